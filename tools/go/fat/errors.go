// SPDX-License-Identifier: GPL-2.0

package fat

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrCorrupt is matched (errors.Is) by every error about a damaged
	// or inconsistent file system.
	ErrCorrupt = errors.New("fat: file system is corrupt")
	// ErrNotFAT: no FAT12/16/32 or exFAT volume was found.
	ErrNotFAT = errors.New("fat: no FAT or exFAT file system found")
	// ErrReadOnly: the file system was opened on something that cannot
	// be written.
	ErrReadOnly = errors.New("fat: read-only")
	// ErrNoSpace: no free cluster left.
	ErrNoSpace = errors.New("fat: no space left")
)

// Problem kinds a CorruptError carries.
const (
	BadBoot      = "bad boot sector"
	BadChecksum  = "checksum mismatch"
	BadChain     = "bad cluster chain"
	CrossLinked  = "cross-linked clusters"
	ChainLoop    = "cluster chain loops"
	LostClusters = "lost clusters"
	BadLFN       = "bad long file name"
	BadEntry     = "bad directory entry"
	BadSize      = "size does not match the chain"
	BadFree      = "free cluster count is wrong"
	BadBitmap    = "allocation bitmap is wrong"
	BadFATCopy   = "FAT copies differ"
)

// CorruptError is one inconsistency.  errors.Is(err, ErrCorrupt) holds.
type CorruptError struct {
	Kind    string // one of the constants above
	Path    string // the file or directory concerned, if any
	Cluster uint32 // the cluster concerned, if any
	Detail  string
}

func (e *CorruptError) Error() string {
	var b strings.Builder
	b.WriteString("fat: ")
	b.WriteString(e.Kind)
	if e.Path != "" {
		fmt.Fprintf(&b, ": %s", e.Path)
	}
	if e.Cluster != 0 {
		fmt.Fprintf(&b, ": cluster %d", e.Cluster)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	return b.String()
}

// Is makes every CorruptError match ErrCorrupt, and a *CorruptError
// target of the same Kind (errors.Is(err, &fat.CorruptError{Kind:
// fat.BadChecksum})), as a CheckError does.
func (e *CorruptError) Is(target error) bool {
	if t, ok := target.(*CorruptError); ok {
		return t.Kind == e.Kind
	}
	return target == ErrCorrupt
}

func corrupt(kind, path string, cl uint32, format string, a ...interface{}) *CorruptError {
	return &CorruptError{Kind: kind, Path: path, Cluster: cl, Detail: fmt.Sprintf(format, a...)}
}

// CheckError is what Check returns: every problem it found.
type CheckError struct {
	Problems []*CorruptError
}

func (e *CheckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fat: check: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "; ...")
			break
		}
		b.WriteString("; ")
		b.WriteString(strings.TrimPrefix(p.Error(), "fat: "))
	}
	return b.String()
}

// Is matches ErrCorrupt, and a *CorruptError target whose Kind one of the
// problems has (errors.Is(err, &fat.CorruptError{Kind: fat.CrossLinked})).
func (e *CheckError) Is(target error) bool {
	if target == ErrCorrupt {
		return true
	}
	if t, ok := target.(*CorruptError); ok {
		for _, p := range e.Problems {
			if p.Kind == t.Kind {
				return true
			}
		}
	}
	return false
}
