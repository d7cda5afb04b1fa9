// The operator screens' behaviour (none yet).
