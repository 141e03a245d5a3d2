from balancecoach.cli import main

raise SystemExit(main())
