"""What a user does, end to end: generate, consolidate, score, annual, feedback, sample, demo; actions.py is
the one function per user action that the command line and the ribbon both call."""
