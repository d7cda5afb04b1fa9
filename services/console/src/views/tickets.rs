//! (to be written) the 部门工单 views.
