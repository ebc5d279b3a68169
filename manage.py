#!/usr/bin/env python
from cooperer.cli import main

if __name__ == "__main__":
    main()
