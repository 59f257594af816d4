"""Zotero as a service: `connector` speaks to the connector server of a running Zotero,
`items` makes Zotero items of papers, `push` sends them (the CLI's `zotero push`, the app's `z`)."""
