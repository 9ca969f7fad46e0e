package compat

import (
	"fmt"
	"strings"
)

// Markdown renders the table as docs/guests.md shows it.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| guest | " + strings.Join(VMMs, " | ") + " |\n|---|")
	b.WriteString(strings.Repeat("---|", len(VMMs)) + "\n")
	for _, g := range Table {
		b.WriteString("| " + g.Name + " |")
		for _, v := range VMMs {
			cell := "no"
			if Check(g.Name, v, g.RootfsModes(v)[0]) == nil {
				cell = strings.Join(g.RootfsModes(v), ", ")
			}
			fmt.Fprintf(&b, " %s |", cell)
		}
		b.WriteString("\n")
	}
	return b.String()
}
