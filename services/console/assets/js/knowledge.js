// The knowledge screens' behaviour (none yet).
