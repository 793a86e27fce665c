"""The instructor's view of a class: the pre-flight of the attendees' doctor reports
(`preflight.py`) and the live state of every attendee's organisation (`status.py`)."""
