"""The embeddable "Call me back" widget: a static script served at `/widget.js`."""
