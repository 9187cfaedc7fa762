/*
 * ioport.c - I/O-port capabilities (irq.h): a driver domain reads and
 * writes the ports of its device through a cap that names their range,
 * one byte at a time, and never runs with IOPL > 0 (which would give it
 * every port and cli besides).
 *
 * The root I/O-port cap covers every port, but no cap reaches the ports
 * the kernel drives itself (kernel_ports): a driver that wrote the PIC's
 * mask or the console's UART would break the kernel, not its device.
 * The RTC's ports are not among them: the kernel programs the RTC once
 * at boot (rtc.c), and from then on it is a driver's.
 */
#include "irq/irq.h"
#include "dom/dom.h"
#include "trap/pic.h"
#include "proc/timer.h"
#include "console/serial.h"
#include "console/keyboard.h"
#include "console/vga.h"
#include "debug/power.h"
#include "cpu/x86.h"

#define DEBUG_EXIT_PORTS 4      /* isa-debug-exit's iosize (grader/qemu.py) */

static const struct port_range {
	uint16_t first, last;
} kernel_ports[] = {
	{ PIC_MASTER_CMD, PIC_MASTER_DATA },
	{ PIT_CHANNEL0, PIT_COMMAND },
	{ KBD_DATA_PORT, KBD_DATA_PORT },
	{ KBD_STATUS_PORT, KBD_STATUS_PORT },
	{ PIC_SLAVE_CMD, PIC_SLAVE_DATA },
	{ DEBUG_EXIT_PORT, DEBUG_EXIT_PORT + DEBUG_EXIT_PORTS - 1 },
	{ CRTC_INDEX, CRTC_DATA },
	{ COM1, COM1 + SERIAL_PORTS - 1 },
};
#define NKERNEL_PORTS (sizeof(kernel_ports) / sizeof(kernel_ports[0]))

static int port_is_kernels(uint32_t port)
{
	for (unsigned int i = 0; i < NKERNEL_PORTS; i++)
		if (port >= kernel_ports[i].first && port <= kernel_ports[i].last)
			return 1;
	return 0;
}

/* d's I/O-port cap in slot lets it use port: 0, or -E_BADCAP / -E_DEAD
 * (cap_lookup's), -E_PERM (outside its range, or the kernel's). */
static int io_check(struct domain *d, int slot, uint32_t port)
{
	struct cap *c;
	int err = cap_lookup(d, slot, CAP_TYPE_BIT(CAP_IOPORT), 0, &c);

	if (err < 0)
		return err;
	if (port < c->first || port > c->last || port_is_kernels(port))
		return -E_PERM;
	return 0;
}

int io_in(struct domain *d, int slot, uint32_t port)
{
	int err = io_check(d, slot, port);

	return err < 0 ? err : inb((uint16_t)port);
}

int io_out(struct domain *d, int slot, uint32_t port, uint32_t value)
{
	int err = io_check(d, slot, port);

	if (err < 0)
		return err;
	if (value > 0xFF)
		return -E_INVAL;        /* one byte */
	outb((uint16_t)port, (uint8_t)value);
	return 0;
}
