// Package fsxtest implements file systems for testing code written against
// fsx.FS, as testing/fstest does for io/fs:
//
//   - MemFS, an in-memory FS that behaves like package os on Linux;
//   - FaultFS, which fails chosen calls of any FS with chosen errors;
//   - CrashFS, which cuts the power after any call and lists every state
//     the disk could then be in, keeping only what was fsynced;
//   - ReadOnly, which refuses every change below a directory, as a
//     read-only mount does.
//
// FaultFS and CrashFS number every call in one sequence and log it (Op), so
// a test can run an operation once per fault or crash point and name the
// point in its failure message.
package fsxtest
