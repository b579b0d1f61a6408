#include "tools/explain_text.hpp"

#include "dsn/classify.hpp"

namespace tools {
namespace {

void line(std::string& out, std::string_view label, std::string_view value) {
    out += "    ";
    out += label;
    out += ": ";
    out += value.empty() ? std::string_view("(none)") : value;
    out += '\n';
}

// Which phrases of the decided reason occur in the text the classifier read, so the reader sees
// the words that carried the verdict (the diagnostic first, then the short notice).
std::string matched_phrases(const dsn::Event& event) {
    std::string out;
    for (std::string_view text : {std::string_view(event.diagnostic), std::string_view(event.why.notice)}) {
        for (std::string_view phrase : dsn::classify::matching_phrases(text, event.reason)) {
            if (out.find(phrase) != std::string::npos) continue;
            if (!out.empty()) out += ", ";
            out += '"';
            out += phrase;
            out += '"';
        }
    }
    return out;
}

std::string type_rule(const dsn::Event& event) {
    const std::string_view type = dsn::to_string(event.type);
    if (event.type == dsn::BounceType::complaint) return "complaint: a feedback report";
    if (event.type == dsn::BounceType::hard)
        return std::string(type) + ": " + event.reason + " says the address itself is dead";
    std::string out = std::string(type) + ": " + event.reason + " is not one of the dead-address reasons";
    if (event.reason == "notaccept") out = "soft: notaccept under a 4.x.x (temporary) code";
    if (!event.status.empty() && event.status[0] == '5' && event.reason != "notaccept")
        out += " (a 5.x.x status makes it permanent for this message, not for the address)";
    return out;
}

}  // namespace

std::string explain_report(std::string_view label, const dsn::Report& report) {
    std::string out;
    out += label;
    out += ": ";
    out += dsn::to_string(report.kind);
    out += ", ";
    out += std::to_string(report.events.size());
    out += report.events.size() == 1 ? " event\n" : " events\n";
    if (!report.error.empty()) line(out, "error", report.error);
    for (const auto& event : report.events) {
        const auto& why = event.why;
        out += "  ";
        out += event.recipient;
        out += " -> ";
        out += event.reason;
        out += " / ";
        out += dsn::to_string(event.type);
        out += '\n';
        std::string decoder(why.decoder);
        if (!why.enriched_by.empty()) decoder += ", enriched by dialect " + std::string(why.enriched_by);
        line(out, "recipient found by", decoder);
        line(out, "action", event.action);
        std::string status = event.status;
        if (!status.empty()) {
            status += why.status_reason.empty() ? " (implies no reason)"
                                                : " (implies " + std::string(why.status_reason) + ")";
            if (why.generic_status) status += ", generic: wording outranks it";
        }
        line(out, "status", status);
        line(out, "reply code", event.reply_code);
        line(out, "smtp command", why.smtp_command);
        line(out, "diagnostic type", why.diagnostic_type);
        line(out, "diagnostic", event.diagnostic);
        if (!why.notice.empty()) line(out, "notice", why.notice);
        line(out, "remote mta", event.remote_mta);
        if (!why.dialect_reason.empty()) line(out, "dialect's reason", why.dialect_reason);
        line(out, "matched phrases", matched_phrases(event));
        line(out, "reason decided by", why.reason_rule);
        line(out, "type decided by", type_rule(event));
    }
    return out;
}

}  // namespace tools
