"""A researcher's first week: typing in the list is safe, marks can be undone and redone."""

from __future__ import annotations

from helpers import settle
from papertui.cli import make_app


def starred(app) -> int:
    return sum(1 for paper in app.corpus.papers if (marks := app.marks.get(paper)) and marks.starred)


def read(app) -> int:
    return sum(1 for paper in app.corpus.papers if (marks := app.marks.get(paper)) and marks.read)


async def test_typing_in_the_list_goes_to_the_filter_and_u_undoes_what_a_bound_letter_did():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"survey", "enter")
        await settle(pilot)
        assert app.focused is app.paper_list
        await pilot.press("s")  # star: a binding in the list
        assert starred(app) == 1
        await pilot.press("u")
        assert starred(app) == 0 and any("Undone: Starred the highlighted paper" in n.message for n in app._notifications)
        await pilot.press("U")
        assert starred(app) == 1
        await pilot.press("u")
        await pilot.press("v")  # no binding: to the filter, which takes the focus
        await pilot.press(*"ey")
        await settle(pilot)
        assert app.focused is app.filter_bar and app.filter_bar.value == "surveyvey"
        assert starred(app) == 0 and not isinstance(app.screen, type(None)) and app.screen is app.screen_stack[0]


async def test_a_bulk_change_is_one_step_and_undo_without_changes_says_so():
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "u")
        assert any("Nothing to undo" in n.message for n in app._notifications)
        await pilot.press("space", "space", "space", "r")
        assert read(app) == 3
        await pilot.press("s")
        await pilot.press("u")  # the star goes, the read marks stay
        assert starred(app) == 0 and read(app) == 3
        await pilot.press("u")
        assert read(app) == 0
        assert any("Undone: Marked read 3 selected papers" in n.message for n in app._notifications)


async def test_export_asks_before_replacing_and_appends_to_a_bib_without_duplicates(tmp_path):
    from papertui.ui.prompts import ExportScreen

    target = tmp_path / "refs.bib"
    target.write_text("@article{mine,\n  title = {Mine}\n}\n", encoding="utf-8")
    app = make_app(query="has:id agent")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "space", "k", "k")  # two selected, in the order shown
        shown = [app.corpus.papers[i] for i in list(app.paper_list.rows)[:2]]
        await pilot.press("e", *str(target), "enter")
        assert isinstance(app.screen, ExportScreen)  # asked, not replaced
        assert "exists" in str(app.screen.query_one("#export-warning").render())
        assert target.read_text() == "@article{mine,\n  title = {Mine}\n}\n"
        await pilot.press("ctrl+a")
        await settle(pilot)
        text = target.read_text()
        assert text.startswith("@article{mine,") and text.count("@misc{") == 2
        assert text.index(shown[0].arxiv_id) < text.index(shown[1].arxiv_id)
        await pilot.press("e", *str(target), "ctrl+a")
        await settle(pilot)
        assert target.read_text() == text and any("2 already there" in n.message for n in app._notifications)
        await pilot.press("e", *str(target), "enter", "enter")  # replace, after asking
        await settle(pilot)
        assert not target.read_text().startswith("@article{mine")


def test_pdf_links_for_wget_leave_out_papers_without_an_id(capsys, tmp_path):
    from papertui.cli import main

    path = tmp_path / "papers.jsonl"
    path.write_text(
        '{"id": "1706.03762", "title": "Attention", "abstract": "Transformers."}\n'
        '{"title": "A listing with no id", "abstract": "Long enough to be an abstract."}\n',
        encoding="utf-8",
    )
    assert main(["list", str(path), "--format", "pdf-links"]) == 0
    out, err = capsys.readouterr()
    assert out == "https://arxiv.org/pdf/1706.03762\n" and "1 of the papers have no arXiv id" in err


async def test_print_acts_on_everything_typed_before_enter():
    app = make_app(print_mode=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # the query and Enter arrive together, before any filter could run
        app.filter_bar.value = "ratescore"
        app.action_choose()
        await settle(pilot)
    assert [paper.title for paper in app.return_value] == ["RaTEScore: A Metric for Radiology Report Generation"]


async def test_a_narrow_terminal_keeps_the_abstract_across_prompts_help_and_palette():
    app = make_app(query="masked thought")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")  # to the list, then read the abstract
        await pilot.pause()
        assert app.has_class("-reading") and app.focused is app.detail
        for opening, closing in (("t", "escape"), ("f1", "escape"), ("ctrl+p", "escape"), ("n", "escape")):
            await pilot.press(opening)
            await pilot.pause()
            await pilot.press(closing)
            await pilot.pause()
            assert app.has_class("-reading") and app.focused is app.detail, opening


async def test_the_help_screen_leaves_out_what_does_not_apply_and_screenshots_say_where(tmp_path):
    from papertui.ui.help_screen import HelpScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        actions = [b.action for _, group in app.binding_groups() for b in group]
        assert "app.choose" not in actions and "stop_loading" not in actions and "app.focus_list" in actions
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        saved = app.deliver_screenshot("shot.svg", str(tmp_path))
        assert saved and (tmp_path / "shot.svg").is_file()
        await pilot.pause()
        assert any(n.title == "Screenshot saved" and str(tmp_path) in n.message for n in app._notifications)
        blocked = tmp_path / "file"
        blocked.write_text("not a directory")
        assert app.deliver_screenshot("x.svg", str(blocked / "sub")) is None
        await pilot.pause()
        failed = [n for n in app._notifications if n.title == "Screenshot not saved"]
        assert failed and str(blocked / "sub") in failed[0].message and "Not a directory" in failed[0].message
    printing = make_app(print_mode=True)
    async with printing.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "app.choose" in [b.action for _, group in printing.binding_groups() for b in group]


def test_resolve_says_seconds_for_a_short_run(capsys):
    from papertui.cli import main

    main(["resolve", "--limit", "3"])
    out, err = capsys.readouterr()
    assert "3 to ask now (about 9 s at one request every 3 s)" in out + err


async def test_the_detail_pane_hides_and_resizes_and_says_little_for_papers_without_an_id():
    app = make_app(query="masked thought")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = app.detail.text
        assert "no id (i finds it)" in text and "Daily Papers page: seeds/" in text and "record 19" in text
        await pilot.press("enter", "p")
        await pilot.pause()
        assert not app.detail.display or app.detail.region.width == 0
        assert app.paper_list.region.width == 120
        await pilot.press("p")
        await pilot.pause()
        before = app.detail.region.width
        await pilot.press("less_than_sign", "less_than_sign")
        await pilot.pause()
        assert app.detail.region.width == before + 8
        await pilot.press(*["greater_than_sign"] * 30)
        await pilot.pause()
        assert app.detail.region.width == 30  # never narrower than that


async def test_fewer_toasts_and_a_long_query_note_shown_whole():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.press("enter", "s", "r")
        await settle(pilot)
        assert not app._notifications  # the status line and the list say it all
        await pilot.press("slash", *'writer:smith is:fancy "unclosed')
        await settle(pilot)
        notes = app.query_one("#notes")
        shown = str(notes.render())
        assert notes.display and "'writer:' is not a field" in shown and "is:fancy is not a filter" in shown and 'unbalanced "' in shown
        assert notes.region.height >= 2  # wrapped, not cut off at 80 columns


def test_editor_round_trip_and_its_failures(tmp_path):
    from papertui.marks.store import tidy_note
    from papertui.ui.note_editor import EditorError, edit_in_editor

    editor = tmp_path / "editor"
    editor.write_text('#!/bin/sh\nprintf "first line\\n\\n\\n  second   line\\n" >> "$1"\n')
    editor.chmod(0o755)
    assert edit_in_editor("kept\n", {"EDITOR": str(editor)}) == "kept\nfirst line\n\n\n  second   line\n"
    assert tidy_note("kept\nfirst line\n\n\n  second   line\n\x1b[31m") == "kept\nfirst line\n\nsecond line"
    for environ, said in (({}, "set $EDITOR"), ({"EDITOR": "no-such-editor-here"}, "could not be started"), ({"EDITOR": "false"}, "exited with status 1")):
        try:
            edit_in_editor("x", environ)
        except EditorError as error:
            assert said in str(error)
        else:
            raise AssertionError(f"no error for {environ}")


async def test_settings_from_the_config_file_and_what_is_remembered(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text(
        '[app]\nsort = "date"\ntheme = "gruvbox"\ndetail_width = 50\ncursor_blink = false\n[keys]\n"paper.star" = "S"\n"no.such" = "x"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.sort_order == "date" and app.theme == "gruvbox" and app.detail.outer_size.width == 50
        assert app.filter_bar.cursor_blink is False
        assert any("no binding is called no.such" in n.message for n in app._notifications)
        await pilot.press("enter", "S")
        assert starred(app) == 1
        await pilot.press("ctrl+s")  # date -> upvotes, remembered
        app.theme = "nord"
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.sort_order == "upvotes" and again.theme == "nord"
    config.write_text('[app]\nsort = "title"\n', encoding="utf-8")  # the file changed: it wins
    third = make_app()
    async with third.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert third.sort_order == "title" and third.filter_bar.cursor_blink is True
    config.write_text("[app\nsort = ", encoding="utf-8")
    broken = make_app()
    async with broken.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert any("not valid TOML" in n.message for n in broken._notifications) and broken.is_running


async def test_query_history_and_saved_searches(capsys):
    from papertui.cli import main

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for query in ("masked thought", "agent planning"):
            await pilot.press(*query, "enter", "escape", "escape")  # to the list, back, clear
        await pilot.press("up")
        assert app.filter_bar.value == "agent planning"
        await pilot.press("up")
        assert app.filter_bar.value == "masked thought"
        await pilot.press("down", "down")
        assert app.filter_bar.value == ""
        await pilot.press(*"reward model")
        app.action_save_search()
        await pilot.pause()
        await pilot.press(*"rewards", "enter")
        await settle(pilot)
    assert main(["list", "--saved", "rewards", "--limit", "2"]) == 0
    out, _ = capsys.readouterr()
    assert len(out.splitlines()) == 2
    assert main(["list", "--saved", "nope"]) == 2
    assert "no saved search called 'nope'; saved: rewards" in capsys.readouterr().err


async def test_keys_typed_fast_after_one_for_the_filter_all_go_there():
    from textual import events

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        for character in "vey":  # arriving before the filter has taken the focus
            app.paper_list.on_key(events.Key(character, character))
        await pilot.pause()
        await settle(pilot)
        assert app.filter_bar.value == "vey"
        assert app.screen is app.screen_stack[0]  # e did not open the export dialog
