// Package kernel locates a host Linux kernel, turns its bzImage into a
// PVH-bootable ELF vmlinux for QEMU, and resolves guest module load order.
package kernel
