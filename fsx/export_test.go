package fsx

// TransientErrnos are the errors IsTransient accepts on this platform.
var TransientErrnos = transientErrnos
