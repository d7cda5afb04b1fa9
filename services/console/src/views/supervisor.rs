//! (to be written) the 值班看板 views.
