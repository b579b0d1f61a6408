/* bench-noop-milter: the cheapest libmilter milter, the floor bench/milter_overhead.sh and
 * bench/capture_rate.sh hold bounce-milter against. It asks for no actions and negotiates away
 * every protocol step it may (connect, HELO, MAIL, RCPT, DATA, unknown commands and, unless
 * --content is given, headers and body); end of message is answered ACCEPT, or DISCARD with
 * --discard. With --content it receives headers and body like a milter that reads the message.
 * With --accept-at-mail it keeps the MAIL step and answers ACCEPT there, which ends the milter's
 * part in the message at the first command: the least a milter can cost per message.
 *
 * usage: bench-noop-milter [--discard] [--content] [--accept-at-mail] unix:/path/to/socket
 * Stops on SIGTERM/SIGINT/SIGHUP (libmilter's own handling). */
#include <libmilter/mfapi.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int discard_at_end;
static int want_content;
static int accept_at_mail;

static sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
    (void)ctx;
    (void)argv;
    return SMFIS_ACCEPT;
}

static sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    (void)ctx;
    (void)name;
    (void)value;
    return SMFIS_CONTINUE;
}

static sfsistat on_eoh(SMFICTX* ctx) {
    (void)ctx;
    return SMFIS_CONTINUE;
}

static sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t size) {
    (void)ctx;
    (void)chunk;
    (void)size;
    return SMFIS_CONTINUE;
}

static sfsistat on_eom(SMFICTX* ctx) {
    (void)ctx;
    return discard_at_end ? SMFIS_DISCARD : SMFIS_ACCEPT;
}

static sfsistat on_negotiate(SMFICTX* ctx, unsigned long actions, unsigned long steps, unsigned long unused2,
                             unsigned long unused3, unsigned long* want_actions, unsigned long* want_steps,
                             unsigned long* want2, unsigned long* want3) {
    (void)ctx;
    (void)actions;
    (void)unused2;
    (void)unused3;
    unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NORCPT | SMFIP_NOUNKNOWN | SMFIP_NODATA;
    if (!accept_at_mail) skip |= SMFIP_NOMAIL;
    if (!want_content) skip |= SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY;
    *want_actions = 0;
    /* Only what the MTA offers may be requested; every command is still answered (no SMFIP_NR_*). */
    *want_steps = steps & skip;
    *want2 = 0;
    *want3 = 0;
    return SMFIS_CONTINUE;
}

int main(int argc, char** argv) {
    const char* socket_spec = NULL;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--discard") == 0) discard_at_end = 1;
        else if (strcmp(argv[i], "--content") == 0) want_content = 1;
        else if (strcmp(argv[i], "--accept-at-mail") == 0) accept_at_mail = 1;
        else if (!socket_spec && argv[i][0] != '-') socket_spec = argv[i];
        else socket_spec = NULL, i = argc;
    }
    if (!socket_spec) {
        fprintf(stderr, "usage: bench-noop-milter [--discard] [--content] [--accept-at-mail] unix:/path\n");
        return 2;
    }
    struct smfiDesc desc;
    memset(&desc, 0, sizeof desc);
    desc.xxfi_name = "bench-noop-milter";
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = 0;
    if (want_content) {
        desc.xxfi_header = on_header;
        desc.xxfi_eoh = on_eoh;
        desc.xxfi_body = on_body;
    }
    if (accept_at_mail) desc.xxfi_envfrom = on_envfrom;
    desc.xxfi_eom = on_eom;
    desc.xxfi_negotiate = on_negotiate;
    umask(0); /* the MTA's user must be able to connect to the unix socket */
    if (smfi_setconn((char*)socket_spec) == MI_FAILURE || smfi_register(desc) == MI_FAILURE ||
        smfi_opensocket(1) == MI_FAILURE) {
        fprintf(stderr, "bench-noop-milter: cannot listen on %s\n", socket_spec);
        return 1;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
