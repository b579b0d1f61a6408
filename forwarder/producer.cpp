#include "forwarder/producer.hpp"

#include "forwarder/clock.hpp"
#include "forwarder/digest.hpp"
#include "forwarder/validate.hpp"

#include <regex>
#include <set>

namespace forwarder {
namespace {

std::string regex_escape(std::string_view literal) {
    std::string out;
    for (char c : literal) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

void put(nlohmann::json& meta, const char* key, const std::string& value) {
    if (!value.empty()) meta[key] = value;
}

}  // namespace

std::optional<VerpIds> match_verp(const std::string& verp_template, std::string_view address) {
    if (verp_template.empty()) return std::nullopt;
    const std::string normalized = normalize_email(address);
    std::string pattern;
    std::vector<std::string> names;
    std::size_t pos = 0;
    while (pos < verp_template.size()) {
        const auto open = verp_template.find('{', pos);
        const auto close = open == std::string::npos ? std::string::npos : verp_template.find('}', open);
        if (close == std::string::npos) {
            pattern += regex_escape(std::string_view(verp_template).substr(pos));
            break;
        }
        pattern += regex_escape(std::string_view(verp_template).substr(pos, open - pos));
        names.push_back(verp_template.substr(open + 1, close - open - 1));
        pattern += "([^@]+?)";
        pos = close + 1;
    }
    if (names.empty()) return std::nullopt;
    std::smatch match;
    const std::regex re(pattern, std::regex::icase | std::regex::ECMAScript);
    if (!std::regex_match(normalized, match, re)) return std::nullopt;
    VerpIds ids;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string token = to_lower(match[static_cast<int>(i + 1)].str());
        if (!is_uuid(token)) return std::nullopt;
        if (names[i] == "subscriber_uuid") ids.subscriber_uuid = token;
        else if (names[i] == "campaign_uuid") ids.campaign_uuid = token;
        else return std::nullopt;
    }
    return ids;
}

std::string idempotency_key(const std::string& original_message_id, const std::string& dsn_message_id,
                            std::string_view message, const std::string& recipient, const std::string& action) {
    std::string identity;
    if (!original_message_id.empty()) identity = "orig:" + original_message_id;
    else if (!dsn_message_id.empty()) identity = "dsn:" + dsn_message_id;
    else identity = "sha256:" + sha256_hex(message);
    return sha256_hex(identity + "\n" + to_lower(recipient) + "\n" + to_lower(action));
}

std::vector<Event> events_from_report(const dsn::Report& report, const ProducerContext& ctx,
                                      std::vector<SkippedEvent>* skipped) {
    std::vector<Event> out;
    auto skip = [&](const std::string& recipient, const std::string& why) {
        if (skipped) skipped->push_back(SkippedEvent{recipient, why});
    };
    if (report.kind != dsn::Kind::dsn && report.kind != dsn::Kind::arf) {
        for (const auto& ev : report.events) skip(ev.recipient, std::string("not a bounce (") + dsn::to_string(report.kind) + ")");
        return out;
    }

    // A VERP address names one original recipient; it can only be trusted for a report about one.
    std::set<std::string> recipients;
    for (const auto& ev : report.events) recipients.insert(normalize_email(ev.recipient));
    std::optional<VerpIds> verp;
    if (recipients.size() <= 1) {
        for (const auto& rcpt : ctx.envelope_recipients) {
            if ((verp = match_verp(ctx.verp_template, rcpt))) break;
        }
    }

    const std::string created_at = rfc3339(ctx.received);
    for (const auto& ev : report.events) {
        if (ev.action == "delayed" && !ctx.forward_delayed) {
            skip(ev.recipient, "delay warning (forward_delayed = false)");
            continue;
        }
        if (ev.reason == "vacation" || ev.reason == "delivered") {
            skip(ev.recipient, "not a bounce (" + ev.reason + ")");
            continue;
        }
        if (ev.type == dsn::BounceType::complaint && !dsn::is_subscriber_complaint(ev.feedback_type)) {
            skip(ev.recipient, "not a complaint (feedback type '" + ev.feedback_type + "')");
            continue;
        }
        Event e;
        const std::string email = normalize_email(ev.recipient);
        if (is_bare_email(email)) e.email = email;
        e.subscriber_uuid = is_uuid(ev.subscriber_uuid) ? to_lower(ev.subscriber_uuid) : "";
        e.campaign_uuid = is_uuid(ev.campaign_uuid) ? to_lower(ev.campaign_uuid) : "";
        if (verp) {
            if (e.subscriber_uuid.empty()) e.subscriber_uuid = verp->subscriber_uuid;
            if (e.campaign_uuid.empty()) e.campaign_uuid = verp->campaign_uuid;
        }
        if (e.email.empty() && e.subscriber_uuid.empty()) {
            skip(ev.recipient, "neither a valid recipient address nor a subscriber UUID");
            continue;
        }
        auto override_type = ctx.reason_types.find(ev.reason);
        e.type = override_type != ctx.reason_types.end() ? override_type->second : dsn::to_string(ev.type);
        e.source = ctx.source;
        e.created_at = created_at;
        e.idempotency_key = idempotency_key(ev.original_message_id, report.message_id, ctx.message,
                                            e.email.empty() ? e.subscriber_uuid : e.email, ev.action);
        nlohmann::json meta = nlohmann::json::object();
        put(meta, "status", ev.status);
        put(meta, "reply_code", ev.reply_code);
        put(meta, "reason", ev.reason);
        put(meta, "diagnostic", ev.diagnostic);
        put(meta, "remote_mta", ev.remote_mta);
        put(meta, "reporting_mta", ev.reporting_mta);
        put(meta, "receiver", ev.receiver);
        put(meta, "original_message_id", ev.original_message_id);
        put(meta, "dsn_message_id", report.message_id);
        put(meta, "action", ev.action);
        put(meta, "queue_id", ctx.queue_id);
        put(meta, "feedback_type", ev.feedback_type);
        put(meta, "dialect", ev.dialect);
        // The original recipient stays visible when listmonk is told the UUID only.
        if (!e.email.empty()) put(meta, "recipient", e.email);
        e.meta = std::move(meta);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace forwarder
