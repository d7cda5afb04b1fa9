//! (to be written) the 账号管理 views.
