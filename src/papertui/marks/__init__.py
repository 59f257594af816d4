"""What the user records about papers: stars, read marks, tags, notes, dismissals and the
watch list, with undo. Imports no Textual."""
