from papertui.cli import main

raise SystemExit(main())
