//go:build !unix

package profilestore

// noFollow is 0 where the system has no O_NOFOLLOW; packing still takes
// only regular files, which it checks with Lstat first.
const noFollow = 0
