#include "tools/bounce_drain_entry.hpp"

#include "forwarder/digest.hpp"
#include "forwarder/json_depth.hpp"

namespace tools {

DecodedEntry event_from_stream_fields(const StreamFields& fields) {
    DecodedEntry out;
    forwarder::Event e;
    std::string meta_text;
    std::string canonical;  // field names and values, length-prefixed: the fallback key's input
    for (const auto& [name, value] : fields) {
        canonical += std::to_string(name.size()) + ":" + name + std::to_string(value.size()) + ":" + value;
        if (name == "email") e.email = value;
        else if (name == "subscriber_uuid") e.subscriber_uuid = value;
        else if (name == "campaign_uuid") e.campaign_uuid = value;
        else if (name == "type") e.type = value;
        else if (name == "source") e.source = value;
        else if (name == "created_at") e.created_at = value;
        else if (name == "meta") meta_text = value;
        else if (name == "idempotency_key") e.idempotency_key = value;
    }
    if (e.email.empty() && e.subscriber_uuid.empty()) {
        out.error = "malformed stream entry: neither email nor subscriber_uuid";
        return out;
    }
    if (e.type.empty()) {
        out.error = "malformed stream entry: no type";
        return out;
    }
    if (!meta_text.empty()) {
        // Far deeper than any producer writes (a provider payload sits two levels down); past it the
        // entry goes to the dead-letter stream instead of crashing every drain that reads it.
        if (!forwarder::json_nesting_within(meta_text, kMaxMetaDepth)) {
            out.error = "malformed stream entry: meta nested deeper than " + std::to_string(kMaxMetaDepth) + " levels";
            return out;
        }
        auto meta = nlohmann::json::parse(meta_text, nullptr, false);
        if (meta.is_discarded() || !meta.is_object()) {
            out.error = "malformed stream entry: meta is not a JSON object";
            return out;
        }
        e.meta = std::move(meta);
    }
    if (e.idempotency_key.empty()) e.idempotency_key = "fields:" + forwarder::sha256_hex(canonical);
    out.event = std::move(e);
    return out;
}

std::string dedup_key(const std::string& stream, const std::string& group, const std::string& idempotency_key) {
    return stream + ":posted:" + group + ":" + idempotency_key;
}

}  // namespace tools
