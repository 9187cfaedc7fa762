/*
 * ioport.c - I/O-port capabilities (irq.h): a driver domain reads and
 * writes the ports of its device through a cap that names their range,
 * one byte at a time, and never runs with IOPL > 0 (which would give it
 * every port and cli besides).
 *
 * The root I/O-port cap covers every port, but no cap reaches the
 * reserved ones (reserved_ports), in two kinds:
 *   - the ports of the devices the kernel drives itself: a driver that
 *     wrote the PIC's mask or the console's UART would break the kernel,
 *     not its device;
 *   - the machine's controls: reset (port 0x92, the PCI reset register),
 *     power (the ACPI block), the firmware interface, PCI configuration
 *     and ISA DMA, through which a program could reset or power off the
 *     machine, or have a device write memory it has no map of. No driver
 *     of the labs' devices needs them, and only init's exit ends a run.
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

/* The machine's controls (QEMU's i440fx/PIIX machine, `info mtree`). */
#define DMA1_FIRST       0x00   /* the first 8237 DMA controller ... */
#define DMA1_LAST        0x0F
#define DMA_PAGE_FIRST   0x81   /* ... its page registers ... */
#define DMA_PAGE_LAST    0x8F
#define DMA2_FIRST       0xC0   /* ... and the second one */
#define DMA2_LAST        0xDF
#define SYSTEM_CONTROL_A 0x92   /* fast reset and A20 */
#define APM_FIRST        0xB2   /* APM control: raises an SMI */
#define APM_LAST         0xB3
#define ELCR_FIRST       0x4D0  /* the PICs' edge/level control: the PICs' */
#define ELCR_LAST        0x4D1
#define FW_CFG_FIRST     0x510  /* the firmware interface, with its DMA */
#define FW_CFG_LAST      0x51B
#define ACPI_PM_FIRST    0x600  /* ACPI power management: sleep and power off */
#define ACPI_PM_LAST     0x63F
#define SMBUS_FIRST      0x700
#define SMBUS_LAST       0x73F
#define PCI_CONFIG_FIRST 0xCF8  /* PCI configuration, and 0xCF9: reset control */
#define PCI_CONFIG_LAST  0xCFF

static const struct port_range {
	uint16_t first, last;
} reserved_ports[] = {
	/* the kernel's devices */
	{ PIC_MASTER_CMD, PIC_MASTER_DATA },
	{ PIT_CHANNEL0, PIT_COMMAND },
	{ KBD_DATA_PORT, KBD_DATA_PORT },
	{ KBD_STATUS_PORT, KBD_STATUS_PORT },
	{ PIC_SLAVE_CMD, PIC_SLAVE_DATA },
	{ DEBUG_EXIT_PORT, DEBUG_EXIT_PORT + DEBUG_EXIT_PORTS - 1 },
	{ CRTC_INDEX, CRTC_DATA },
	{ COM1, COM1 + SERIAL_PORTS - 1 },
	{ ELCR_FIRST, ELCR_LAST },
	/* the machine's controls */
	{ DMA1_FIRST, DMA1_LAST },
	{ DMA_PAGE_FIRST, DMA_PAGE_LAST },
	{ SYSTEM_CONTROL_A, SYSTEM_CONTROL_A },
	{ APM_FIRST, APM_LAST },
	{ DMA2_FIRST, DMA2_LAST },
	{ FW_CFG_FIRST, FW_CFG_LAST },
	{ ACPI_PM_FIRST, ACPI_PM_LAST },
	{ SMBUS_FIRST, SMBUS_LAST },
	{ PCI_CONFIG_FIRST, PCI_CONFIG_LAST },
};
#define NRESERVED_PORTS (sizeof(reserved_ports) / sizeof(reserved_ports[0]))

static int port_is_reserved(uint32_t port)
{
	for (unsigned int i = 0; i < NRESERVED_PORTS; i++)
		if (port >= reserved_ports[i].first && port <= reserved_ports[i].last)
			return 1;
	return 0;
}

/* d's I/O-port cap in slot lets it use port: 0, or -E_BADCAP / -E_DEAD
 * (cap_lookup's), -E_PERM (outside its range, or reserved). */
static int io_check(struct domain *d, int slot, uint32_t port)
{
	struct cap *c;
	int err = cap_lookup(d, slot, CAP_TYPE_BIT(CAP_IOPORT), 0, &c);

	if (err < 0)
		return err;
	if (port < c->first || port > c->last || port_is_reserved(port))
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
