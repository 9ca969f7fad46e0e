package state

import "github.com/ukrun/ukrun/internal/record"

// Record appends rs to the state and saves it, before they are made.
func (c *Container) Record(s *State, rs ...record.Resource) error {
	s.Resources = append(s.Resources, rs...)
	return c.Save(s)
}
