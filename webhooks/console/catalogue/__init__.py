"""The console's words, one small catalogue per language (the widget's four)."""
