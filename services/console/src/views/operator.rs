//! (to be written) the 坐席工作台 views.
