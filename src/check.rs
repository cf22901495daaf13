//! `watchbill check`: every rule the files must hold, as pure functions over the model.
