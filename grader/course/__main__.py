import sys

from grader.course.cli import main

sys.exit(main())
