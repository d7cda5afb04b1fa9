// The supervisor screens' behaviour (none yet).
