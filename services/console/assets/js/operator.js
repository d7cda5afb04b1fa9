// The operator's desk needs nothing beyond base.js: its keys (/, arrows, Enter, Esc, Alt+1…6,
// Alt+A/T/N/Q/C) hang on data attributes (data-hit, data-open, data-hotkey, data-copy) and the
// live parts are htmx attributes.
