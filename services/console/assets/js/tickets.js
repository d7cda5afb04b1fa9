// The tickets screens' behaviour (none yet).
