"""The use cases: functions with explicit collaborators, called by every channel."""
