#include "milter/callbacks.hpp"

#include "forwarder/log.hpp"
#include "milter/milter_metrics.hpp"
#include "milter/session.hpp"

#include <libmilter/mfdef.h>

#include <new>
#include <string>

namespace milter {
namespace {

namespace logging = forwarder::log;

Runtime* g_runtime = nullptr;

// The only macros the filter reads. Asking for exactly these (smfi_setsymlist) keeps the MTA from
// sending its default macro sets with every command.
char kNoMacros[] = "";
char kRcptMacros[] = "{rcpt_addr}";
char kEomMacros[] = "i";

// Whether the MTA reaches the filter over a unix socket (see make_filter_description).
bool g_local_socket = false;

// What libmilter keeps for one MTA connection: the Session plus what the negotiation settled.
struct Connection {
    Session session{[] { return g_runtime->policy(); }};
    // SMFIP_NR_* steps: the MTA waits for no reply, and the callback must answer SMFIS_NOREPLY.
    unsigned long unanswered_steps = 0;
    // The filter failed at a step without a reply; the failure is answered at the next step that has
    // one (DATA, or end of headers), never swallowed.
    bool failed_unanswered = false;
};

Connection* connection_of(SMFICTX* ctx) { return static_cast<Connection*>(smfi_getpriv(ctx)); }

Session* session_of(SMFICTX* ctx) {
    Connection* c = connection_of(ctx);
    return c ? &c->session : nullptr;
}

Connection* ensure_connection(SMFICTX* ctx) {
    if (Connection* c = connection_of(ctx)) return c;
    auto* c = new Connection;
    smfi_setpriv(ctx, c);
    return c;
}

Session* ensure_session(SMFICTX* ctx) { return &ensure_connection(ctx)->session; }

sfsistat to_smfis(Verdict verdict) {
    switch (verdict) {
        case Verdict::proceed: return SMFIS_CONTINUE;
        case Verdict::accept: return SMFIS_ACCEPT;
        case Verdict::discard: return SMFIS_DISCARD;
        case Verdict::tempfail: return SMFIS_TEMPFAIL;
        case Verdict::skip: return SMFIS_SKIP;
    }
    return SMFIS_CONTINUE;
}

// What to answer when the filter itself fails. Over SMTP a temporary failure makes the client retry;
// mail Postfix generates or receives locally must never be tempfailed (it would stick in the queue as
// a configuration error), so it is accepted and reaches the bounce mailbox instead.
sfsistat failure_reply(SMFICTX* ctx) {
    const Session* s = session_of(ctx);
    return (s && s->internal()) ? SMFIS_ACCEPT : SMFIS_TEMPFAIL;
}

// While the milter stops, the MTA is answered as if the filter had failed (see failure_reply);
// `internal_message` tells what the session cannot know yet at MAIL.
sfsistat stopping_reply(SMFICTX* ctx, bool internal_message) {
    const Session* s = session_of(ctx);
    if (internal_message || (s && s->internal())) return SMFIS_ACCEPT;
    smfi_setreply(ctx, const_cast<char*>("451"), const_cast<char*>("4.3.2"),
                  const_cast<char*>("Bounce filter stopping, try again later"));
    return SMFIS_TEMPFAIL;
}

template <class Body>
sfsistat guarded(SMFICTX* ctx, const char* stage, Body&& body, bool internal_message = false) noexcept {
    try {
        const GatePass pass(shutdown_gate());
        if (!pass.allowed()) return stopping_reply(ctx, internal_message);
        return body();
    } catch (const std::exception& e) {
        try {
            logging::error(std::string("internal error at ") + stage + ": " + e.what());
        } catch (...) {
        }
    } catch (...) {
        try {
            logging::error(std::string("internal error at ") + stage);
        } catch (...) {
        }
    }
    return failure_reply(ctx);
}

// For the steps the MTA may have been told not to wait for (`step` is their SMFIP_NR_* bit): the
// answer is NOREPLY, and a failure (an exception) is kept for the next answered step. The verdict
// itself is dropped: at MAIL and RCPT it is always CONTINUE (the milter decides at DATA at the
// earliest); at a header it is CONTINUE, or ACCEPT for a message without a bounce recipient when the
// MTA sent no DATA, and end of headers, which is answered, gives that ACCEPT again.
template <class Body>
sfsistat guarded_unanswered(SMFICTX* ctx, unsigned long step, const char* stage, Body&& body,
                            bool internal_message = false) noexcept {
    Connection* c = connection_of(ctx);
    if (!c || !(c->unanswered_steps & step)) return guarded(ctx, stage, body, internal_message);
    bool failed = true;
    guarded(
        ctx, stage,
        [&] {
            const sfsistat result = body();
            failed = false;
            return result;
        },
        internal_message);
    if (failed) c->failed_unanswered = true;
    return SMFIS_NOREPLY;
}

// True (and the answer set) when an earlier unanswered step failed in this message.
bool answer_earlier_failure(SMFICTX* ctx, sfsistat& answer) {
    Connection* c = connection_of(ctx);
    if (!c || !c->failed_unanswered) return false;
    c->failed_unanswered = false;
    answer = failure_reply(ctx);
    return true;
}

std::string symval(SMFICTX* ctx, const char* name) {
    const char* v = smfi_getsymval(ctx, const_cast<char*>(name));
    return v ? std::string(v) : std::string();
}

sfsistat on_negotiate(SMFICTX* ctx, unsigned long offered_actions, unsigned long offered_steps, unsigned long,
                      unsigned long, unsigned long* actions, unsigned long* steps, unsigned long* f2,
                      unsigned long* f3) {
    return guarded(ctx, "negotiate", [&] {
        *actions = offered_actions & (SMFIF_ADDHDRS | SMFIF_DELRCPT | SMFIF_SETSYMLIST);
        // Steps this filter has no use for: the MTA then does not send them at all.
        unsigned long wanted = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_SKIP | SMFIP_HDR_LEADSPC;
        // MAIL and RCPT are always answered CONTINUE (the decision waits for DATA: a later RCPT may be
        // the bounce address), so the MTA need not wait for those answers, on any socket: Postfix then
        // sends MAIL, RCPT and DATA in one write and normal mail costs one round trip, as for a milter
        // that accepts at MAIL (bench/milter_overhead.sh, inet leg). Each header of a bounce is
        // answered CONTINUE too, but only a unix socket leaves it unanswered: over TCP, headers sent
        // in several writes would wait in the MTA's Nagle buffer for the filter's delayed ACK (about
        // 40 ms). Body chunks stay answered, because SKIP is an answer.
        constexpr unsigned long kUnanswered = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR;
        wanted |= SMFIP_NR_MAIL | SMFIP_NR_RCPT;
        if (g_local_socket) wanted |= SMFIP_NR_HDR;
        *steps = offered_steps & wanted;
        *f2 = 0;
        *f3 = 0;

        Connection* c = ensure_connection(ctx);
        c->unanswered_steps = *steps & kUnanswered;
        Session* s = &c->session;
        s->set_header_value_has_leading_space((*steps & SMFIP_HDR_LEADSPC) != 0);
        s->set_mta_understands_skip((*steps & SMFIP_SKIP) != 0);

        if (offered_actions & SMFIF_SETSYMLIST) {
            smfi_setsymlist(ctx, SMFIM_CONNECT, kNoMacros);
            smfi_setsymlist(ctx, SMFIM_HELO, kNoMacros);
            smfi_setsymlist(ctx, SMFIM_ENVFROM, kNoMacros);
            smfi_setsymlist(ctx, SMFIM_ENVRCPT, kRcptMacros);
            smfi_setsymlist(ctx, SMFIM_DATA, kNoMacros);
            smfi_setsymlist(ctx, SMFIM_EOH, kNoMacros);
            smfi_setsymlist(ctx, SMFIM_EOM, kEomMacros);
        }
        return SMFIS_CONTINUE;
    });
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
    if (Connection* c = connection_of(ctx)) c->failed_unanswered = false;  // a new message
    const char* sender = (argv && argv[0]) ? argv[0] : "";
    return guarded_unanswered(
        ctx, SMFIP_NR_MAIL, "MAIL", [&] { return to_smfis(ensure_session(ctx)->on_mail(sender)); },
        is_internal_sender(sender));
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
    return guarded_unanswered(ctx, SMFIP_NR_RCPT, "RCPT", [&] {
        const char* rcpt = (argv && argv[0]) ? argv[0] : "";
        return to_smfis(ensure_session(ctx)->on_rcpt(rcpt, symval(ctx, "{rcpt_addr}")));
    });
}

sfsistat on_data(SMFICTX* ctx) {
    sfsistat earlier;
    if (answer_earlier_failure(ctx, earlier)) return earlier;
    return guarded(ctx, "DATA", [&] {
        const Verdict verdict = ensure_session(ctx)->on_data();
        if (verdict == Verdict::accept && g_runtime->metrics()) g_runtime->metrics()->count_passed();
        return to_smfis(verdict);
    });
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    return guarded_unanswered(ctx, SMFIP_NR_HDR, "header", [&] {
        return to_smfis(ensure_session(ctx)->on_header(name ? name : "", value ? value : ""));
    });
}

sfsistat on_eoh(SMFICTX* ctx) {
    sfsistat earlier;
    if (answer_earlier_failure(ctx, earlier)) return earlier;
    return guarded(ctx, "end of headers", [&] { return to_smfis(ensure_session(ctx)->on_end_of_headers()); });
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t size) {
    return guarded(ctx, "body", [&] {
        return to_smfis(ensure_session(ctx)->on_body({reinterpret_cast<const char*>(chunk), chunk ? size : 0}));
    });
}

std::string describe(const EndOfMessage& eom) {
    return std::string(eom.internal ? " internal=yes" : "") + (eom.truncated ? " truncated=yes" : "");
}

sfsistat on_eom(SMFICTX* ctx) {
    return guarded(ctx, "end of message", [&] {
        // The queue id is unknown at MAIL over SMTP in Postfix; ask again now.
        std::string queue_id = symval(ctx, "i");
        Session* session = ensure_session(ctx);
        const bool to_bounce_address = session->has_bounce_recipient();
        const EndOfMessage eom = session->on_end_of_message(queue_id);
        if (g_runtime->metrics()) g_runtime->metrics()->count_end_of_message(eom, to_bounce_address);
        if (queue_id.empty()) queue_id = "-";
        const char* action = to_string(eom.verdict);

        for (const std::string& rcpt : eom.delete_recipients) {
            if (smfi_delrcpt(ctx, const_cast<char*>(rcpt.c_str())) != MI_SUCCESS)
                logging::warning("queue_id=" + queue_id + " could not delete bounce recipient " + rcpt);
        }
        for (const auto& [name, value] : eom.add_headers) {
            // With SMFIP_HDR_LEADSPC the MTA takes values verbatim in both directions: supply the space.
            const std::string text = session->header_value_has_leading_space() ? " " + value : value;
            if (smfi_addheader(ctx, const_cast<char*>(name.c_str()), const_cast<char*>(text.c_str())) != MI_SUCCESS)
                logging::warning("queue_id=" + queue_id + " could not add header " + name);
        }
        if (!eom.delete_recipients.empty()) action = "deliver-others";

        using S = CaptureOutcome::Status;
        if (eom.outcome.held_reason == "suspect") {
            // One line, however many recipients the report named.
            logging::warning("queue_id=" + queue_id + " report held as suspect, forwarded=no: " +
                             eom.outcome.held_why + " action=" + action + describe(eom));
        } else {
            for (const auto& e : eom.outcome.held) {
                logging::info("bounce queue_id=" + queue_id + " recipient=" + e.recipient + " type=" + e.type +
                              " reason=" + e.reason + " action=" + action + " forwarded=no(unattributed)" +
                              describe(eom));
            }
        }
        switch (eom.outcome.status) {
            case S::held:
                break;
            case S::recorded:
            case S::filtered: {
                const bool filtered = eom.outcome.status == S::filtered;
                for (const auto& e : eom.outcome.events) {
                    logging::info("bounce queue_id=" + queue_id + " recipient=" + e.recipient + " type=" + e.type +
                              " reason=" + e.reason + " action=" + action +
                              (filtered ? " forwarded=no(policy)" : "") + describe(eom));
                }
                if (eom.outcome.duplicates > 0)
                    logging::info("queue_id=" + queue_id + " duplicates=" + std::to_string(eom.outcome.duplicates) +
                              " (already in the outbox, not forwarded again)");
                break;
            }
            case S::failed:
                logging::error("queue_id=" + queue_id + " outbox failed: " + eom.outcome.error + " action=" + action +
                           describe(eom));
                if (eom.verdict == Verdict::tempfail)
                    smfi_setreply(ctx, const_cast<char*>("451"), const_cast<char*>("4.3.0"),
                                  const_cast<char*>("Bounce could not be recorded, try again later"));
                break;
            case S::bounce_without_events:
                logging::info("queue_id=" + queue_id + " report without usable events, delivered" + describe(eom));
                break;
            case S::not_bounce:
                logging::debug("queue_id=" + queue_id + " to the bounce address but not a bounce, delivered");
                break;
        }
        return to_smfis(eom.verdict == Verdict::proceed ? Verdict::accept : eom.verdict);
    });
}

sfsistat on_abort(SMFICTX* ctx) {
    return guarded(ctx, "abort", [&] {
        if (Connection* c = connection_of(ctx)) {
            c->failed_unanswered = false;
            c->session.on_abort();
        }
        return SMFIS_CONTINUE;
    });
}

sfsistat on_close(SMFICTX* ctx) {
    Connection* c = connection_of(ctx);
    smfi_setpriv(ctx, nullptr);
    delete c;  // Session's destructor does not throw
    return SMFIS_CONTINUE;
}

}  // namespace

ShutdownGate& shutdown_gate() {
    // Never destroyed: connection threads may still knock while the process exits.
    static ShutdownGate* const gate = new ShutdownGate;
    return *gate;
}

smfiDesc make_filter_description(Runtime& runtime, bool local_socket) {
    g_runtime = &runtime;
    g_local_socket = local_socket;
    smfiDesc desc{};
    desc.xxfi_name = const_cast<char*>("bounce-milter");
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_DELRCPT | SMFIF_SETSYMLIST;
    desc.xxfi_connect = nullptr;
    desc.xxfi_helo = nullptr;
    desc.xxfi_envfrom = on_envfrom;
    desc.xxfi_envrcpt = on_envrcpt;
    desc.xxfi_header = on_header;
    desc.xxfi_eoh = on_eoh;
    desc.xxfi_body = on_body;
    desc.xxfi_eom = on_eom;
    desc.xxfi_abort = on_abort;
    desc.xxfi_close = on_close;
    desc.xxfi_unknown = nullptr;
    desc.xxfi_data = on_data;
    desc.xxfi_negotiate = on_negotiate;
    return desc;
}

}  // namespace milter
