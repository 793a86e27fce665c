"""`python -m college_tui`: the same as the `college-tui` command."""

from college_tui.launch import main

if __name__ == "__main__":
    main()
