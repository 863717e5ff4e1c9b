from vlmcore.cli import main

raise SystemExit(main())
