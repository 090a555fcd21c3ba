"""The ground every other layer stands on: errors, exact numbers, findings, 繁體 text, safe file writing."""
