/*
 * sh.c - the shell.
 *
 *   $ echo hello world          run a program with arguments
 *   $ echo hi | cat | cat       a pipeline: each program's output is the
 *                               next one's input
 *   $ sleep 100 &               run in the background; prints "[PID]"
 *   $ exit [N]                  leave the shell with status N (default 0)
 *
 * Words are separated by spaces and tabs; '|' separates the commands of a
 * pipeline and a trailing '&' runs the whole line in the background. There
 * is no quoting, no redirection and no variables. A program is found by its
 * name in the ramdisk; a name that is not there gives
 * "sh: NAME: command not found" (that child's status is 127).
 *
 * The prompt "$ " is written to fd 1 when the shell is ready for a line:
 * after the foreground job has finished (not waiting for background jobs).
 * The shell exits with status 0 at end of input.
 *
 * The console gives the shell raw bytes as they are typed, with no echo and
 * no line editing, so read_line() reads one byte at a time, echoes what it
 * keeps, and handles backspace itself (see there).
 *
 * Background jobs: there is no non-blocking wait, so a finished background
 * process is reaped by the next wait() the shell makes while it waits for
 * a foreground job; the shell then prints "[PID] done", where PID is the
 * number "[PID]" announced (the pipeline's last process).
 */
#include "ulib.h"

#define PROMPT            "$ "
#define MAX_LINE          512           /* bytes in a command line */
#define MAX_STAGES        16            /* commands in one pipeline */
#define MAX_BG_PROCS      64            /* background processes tracked */
#define EXIT_NOT_FOUND    127           /* a child's status: no such program */
#define EXIT_CANNOT_EXEC  126           /* a child's status: exec failed otherwise */

/* Console input bytes with a meaning of their own. */
#define CHAR_BACKSPACE    '\b'          /* Ctrl-H */
#define CHAR_DELETE       0x7f          /* what most terminals send for Backspace */
#define CHAR_END_OF_INPUT 0x04          /* Ctrl-D: end of input on an empty line */
#define CHAR_FIRST_PRINTABLE ' '

/* One program of a pipeline: its argv, NULL-terminated. */
struct command {
	int argc;
	char *argv[MAXARG + 1];
};

/* A parsed command line. */
struct pipeline {
	int nstages;                    /* 0: an empty line */
	int background;                 /* the line ended with '&' */
	struct command stages[MAX_STAGES];
};

/* A background process not reaped yet, and the job ("[JOB]") it is in. */
struct background_proc {
	int pid;                        /* 0: a free slot */
	int job;
};

/* Static rather than on the small user stack. */
static char line[MAX_LINE];
static struct pipeline pipeline;
static struct background_proc background_procs[MAX_BG_PROCS];

/* ---- reading a line ---------------------------------------------------- */

static void echo_bytes(const char *s, int n)
{
	write_all(STDOUT_FILENO, s, n);
}

/*
 * Reads a line from fd 0 into buf, echoing it to fd 1, and returns its
 * length, or -1 at end of input with nothing typed.
 *
 * Enter may arrive as '\r' (a terminal in raw mode) or '\n' (a pipe,
 * pexpect); "\r\n" counts as one end of line. Backspace (^H) and DEL erase
 * the last character; ^D on an empty line, or a read that returns 0 or an
 * error, is end of input. Other control characters except tab are ignored,
 * and so is what is typed past the end of buf.
 */
static int read_line(char *buf, int size)
{
	static int last_was_cr;         /* skip the '\n' of a "\r\n" */
	int len = 0;
	char c;

	for (;;) {
		if (read(STDIN_FILENO, &c, 1) != 1) {
			if (len == 0)
				return -1;
			echo_bytes("\n", 1);            /* run what was typed */
			break;
		}
		if (c == '\n' && last_was_cr) {
			last_was_cr = 0;
			continue;
		}
		last_was_cr = (c == '\r');
		if (c == '\r' || c == '\n') {
			echo_bytes("\n", 1);
			break;
		}
		if (c == CHAR_BACKSPACE || c == CHAR_DELETE) {
			if (len > 0) {
				len--;
				echo_bytes("\b \b", 3);
			}
			continue;
		}
		if (c == CHAR_END_OF_INPUT && len == 0)
			return -1;
		if ((unsigned char)c < CHAR_FIRST_PRINTABLE && c != '\t')
			continue;
		if (len < size - 1) {
			buf[len++] = c;
			echo_bytes(&c, 1);
		}
	}
	buf[len] = '\0';
	return len;
}

/* ---- parsing ----------------------------------------------------------- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int syntax_error(const char *why)
{
	fprintf(STDERR_FILENO, "sh: syntax error: %s\n", why);
	return -1;
}

/* Removes a trailing '&' (and blanks around it); returns 1 if there was one. */
static int take_trailing_ampersand(char *s)
{
	int n = (int)strlen(s);

	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (n == 0 || s[n - 1] != '&')
		return 0;
	s[n - 1] = '\0';
	return 1;
}

/*
 * Splits s in place into pl: NULs replace the blanks and '|'s, and argv
 * points into s. Returns 0, or -1 after printing what is wrong.
 */
static int parse_line(char *s, struct pipeline *pl)
{
	struct command *cmd = &pl->stages[0];

	pl->background = take_trailing_ampersand(s);
	pl->nstages = 1;
	cmd->argc = 0;

	while (*s) {
		if (is_blank(*s)) {
			*s++ = '\0';
		} else if (*s == '|') {
			*s++ = '\0';
			if (cmd->argc == 0)
				return syntax_error("a '|' without a command before it");
			if (pl->nstages == MAX_STAGES)
				return syntax_error("too many commands in the pipeline");
			cmd->argv[cmd->argc] = NULL;
			cmd = &pl->stages[pl->nstages++];
			cmd->argc = 0;
		} else if (*s == '&') {
			return syntax_error("'&' is allowed only at the end of the line");
		} else {
			if (cmd->argc == MAXARG)
				return syntax_error("too many arguments");
			cmd->argv[cmd->argc++] = s;
			while (*s && !is_blank(*s) && *s != '|' && *s != '&')
				s++;
		}
	}
	cmd->argv[cmd->argc] = NULL;

	if (cmd->argc == 0) {
		if (pl->nstages > 1)
			return syntax_error("a '|' without a command after it");
		if (pl->background)
			return syntax_error("a '&' without a command");
		pl->nstages = 0;                /* an empty line */
	}
	return 0;
}

/* ---- background jobs --------------------------------------------------- */

static void background_add(int pid, int job)
{
	for (int i = 0; i < MAX_BG_PROCS; i++) {
		if (background_procs[i].pid == 0) {
			background_procs[i].pid = pid;
			background_procs[i].job = job;
			return;
		}
	}
	/* Table full: the process still runs; its job is just not announced. */
}

/* pid, not a foreground process, was reaped: announce its job's end once
 * the job's last process is gone. */
static void background_reaped(int pid)
{
	int job = pid;

	for (int i = 0; i < MAX_BG_PROCS; i++) {
		if (background_procs[i].pid == pid) {
			job = background_procs[i].job;
			background_procs[i].pid = 0;
			break;
		}
	}
	for (int i = 0; i < MAX_BG_PROCS; i++)
		if (background_procs[i].pid != 0 && background_procs[i].job == job)
			return;
	printf("[%d] done\n", job);
}

/* ---- running ----------------------------------------------------------- */

/* In a child: make descriptor from become descriptor to. dup() returns the
 * lowest free descriptor, so closing `to` first makes it land there. */
static void move_fd(int from, int to)
{
	int r;

	close(to);
	r = dup(from);
	if (r != to)
		die("cannot move descriptor %d to %d: %s", from, to,
		    r < 0 ? strerror(r) : "dup chose another");
	close(from);
}

/* In a child: connect stdin and stdout and become the command. */
static void run_command(struct command *cmd, int in_fd, int out_fd, int unused_fd)
{
	int r;

	if (unused_fd >= 0)
		close(unused_fd);
	if (in_fd >= 0)
		move_fd(in_fd, STDIN_FILENO);
	if (out_fd >= 0)
		move_fd(out_fd, STDOUT_FILENO);

	r = exec(cmd->argv[0], cmd->argv);
	if (r == -E_NOENT) {
		fprintf(STDERR_FILENO, "sh: %s: command not found\n", cmd->argv[0]);
		exit(EXIT_NOT_FOUND);
	}
	fprintf(STDERR_FILENO, "sh: %s: %s\n", cmd->argv[0], strerror(r));
	exit(EXIT_CANNOT_EXEC);
}

/*
 * Starts every stage of pl, stage i's stdout piped into stage i+1's stdin.
 * Fills pids and returns how many processes started (fewer than the stages
 * if a pipe or fork failed; the message is printed then).
 */
static int start_pipeline(struct pipeline *pl, int pids[])
{
	int in_fd = -1;                 /* read end of the previous stage's pipe */
	int started = 0;

	for (int i = 0; i < pl->nstages; i++) {
		int last = (i == pl->nstages - 1);
		int fds[2] = { -1, -1 };
		int pid, r;

		if (!last && (r = pipe(fds)) < 0) {
			fprintf(STDERR_FILENO, "sh: pipe: %s\n", strerror(r));
			break;
		}
		pid = fork();
		if (pid < 0) {
			fprintf(STDERR_FILENO, "sh: fork: %s\n", strerror(pid));
			if (!last) {
				close(fds[0]);
				close(fds[1]);
			}
			break;
		}
		if (pid == 0)
			run_command(&pl->stages[i], in_fd, fds[1], fds[0]);

		pids[started++] = pid;
		if (in_fd >= 0)
			close(in_fd);
		in_fd = fds[0];
		if (!last)
			close(fds[1]);
	}
	if (in_fd >= 0)
		close(in_fd);
	return started;
}

/* Waits until every process in pids[0..n-1] is reaped, announcing the
 * background jobs that end meanwhile. */
static void wait_for_foreground(int pids[], int n)
{
	int remaining = n;

	while (remaining > 0) {
		int status;
		int pid = wait(&status);
		int i;

		if (pid < 0) {
			if (pid != -E_CHILD)
				fprintf(STDERR_FILENO, "sh: wait: %s\n", strerror(pid));
			return;
		}
		for (i = 0; i < n && pids[i] != pid; i++)
			;
		if (i < n) {
			pids[i] = 0;
			remaining--;
		} else {
			background_reaped(pid);
		}
	}
}

static void run_line(struct pipeline *pl)
{
	int pids[MAX_STAGES];
	int started;
	struct command *first = &pl->stages[0];

	if (pl->nstages == 1 && !pl->background && strcmp(first->argv[0], "exit") == 0)
		exit(first->argc > 1 ? atoi(first->argv[1]) : 0);

	started = start_pipeline(pl, pids);
	if (started == 0)
		return;
	if (pl->background) {
		int job = pids[started - 1];
		for (int i = 0; i < started; i++)
			background_add(pids[i], job);
		printf("[%d]\n", job);
	} else {
		wait_for_foreground(pids, started);
	}
}

int main(void)
{
	for (;;) {
		echo_bytes(PROMPT, sizeof(PROMPT) - 1);
		if (read_line(line, sizeof(line)) < 0)
			break;
		if (parse_line(line, &pipeline) == 0 && pipeline.nstages > 0)
			run_line(&pipeline);
	}
	echo_bytes("\n", 1);            /* end the prompt's line */
	return 0;
}
