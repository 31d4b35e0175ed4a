// Package stress holds process-level torture tests for the circuitvc
// command: they build the real binary once and drive it as subprocesses,
// the way users and scripts do, then check the store with circuitvc
// verify and with stock git as the oracle. The package has no non-test
// code; this file only documents it.
//
// What the tests prove (issue 4, "Nothing lost"):
//
//   - TestKill: circuitvc save and circuitvc restore --to REV are
//     SIGKILLed at random moments (a random delay from 0 up to about the
//     command's own measured duration, and one kill in five 0–2 ms after
//     start to hit the early phase). After every kill: circuitvc verify
//     exits 0; every save or restore that was acknowledged (exited 0
//     before the kill) is still in history with the bytes it recorded;
//     every working file is whole (byte-equal to a version the test wrote,
//     and after a restore to either the old or the target version, never a
//     mix); and git fsck --strict is clean (with --no-dangling: objects
//     written before the kill and never referenced are expected garbage,
//     as after a killed git; they are counted instead). A killed process
//     may leave git's refs/heads/main.lock (or refs/circuitvc/backup.lock) behind,
//     as git itself does when killed mid-update: the test checks that the
//     next circuitvc save then fails with exit code 4 and a message naming
//     the lock file, changes nothing, and works again once the lock is
//     removed as a user would remove it; it counts how often that
//     happened.
//   - TestKillTransfer: circuitvc push, fetch and clone are SIGKILLed at
//     random moments between a working directory, a bare store and a
//     clone (20 iterations, KILL_ITERATIONS for more). After every kill
//     verify and git fsck --strict pass on every store, the same command
//     run again succeeds and leaves the stores agreeing, and a killed
//     clone leaves no directory or a whole one (at most a .NAME.clone-*
//     temp directory beside it).
//   - TestConcurrentSaves: 8 processes each save 25 different edits of
//     their own file into one store while log and diff readers run in a
//     loop and a sampler reads the ref files: every save either made its
//     commit (which is in history, with the edit's bytes), was already
//     covered by a concurrent save of all tracked files ("nothing to
//     save", and its bytes are in history), or failed with the
//     lock-timeout exit code 4; the reflog of refs/heads/main has exactly
//     one entry per commit, forms an unbroken chain, and history is linear
//     with no lost update; no ref file is ever torn; no reader ever fails.
//   - TestGitExclusion: a refs/heads/main.lock held as stock git holds it
//     makes circuitvc save fail with exit 4 naming the lock; and stock
//     git update-ref (compare-and-swap form) racing circuitvc save loses
//     no update of either.
//
// The tests are Unix-only (SIGKILL, flock semantics) and skip with a
// message when the binary cannot be built; the git checks skip when git
// is not on PATH.
//
// # Running longer
//
// Defaults keep the package near a minute on two cores, inside the
// project's test gate: 100 kill iterations (none with -short, unless
// KILL_ITERATIONS is set). Ask for more with KILL_ITERATIONS:
//
//	KILL_ITERATIONS=5000 go test ./internal/stress -run TestKill -v -timeout 2h
//
// The kill test uses the 1.4 MB tscircuit file
// $CIRCUITVC_CORPUS/tscircuit/led-water-accelerometer.json when
// CIRCUITVC_CORPUS is set, else a generated native circuit of similar
// shape. Every KILL_EPOCH iterations (default 25) it starts over in a
// fresh store, so that the per-iteration full verify and fsck stay cheap
// (their cost grows with the store); the stores run as parallel subtests
// (TestKill/stores/storeN), each with its own random stream of the seed.
// Set KILL_EPOCH=0 to keep one store for the whole run. KILL_FSCK_EVERY
// (default 1: every iteration) runs git fsck --strict only every Nth
// iteration (and always at the end of each epoch). KILL_SEED fixes the
// random seed (the seed of each run is logged) to replay a failure.
package stress
