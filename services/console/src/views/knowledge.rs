//! (to be written) the 审核队列 views.
