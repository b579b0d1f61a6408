// RFC 3464 / RFC 6533 delivery-status decoding: the machine-readable part of a standard report.
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/fields.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn {
namespace {

// "dns; mx.example.com" -> "mx.example.com"; also drops a trailing "[192.0.2.1]" comment.
std::string strip_type(std::string_view value) {
    std::string_view v = text::trim(value);
    if (std::size_t semi = v.find(';'); semi != std::string_view::npos && semi < 12) v = text::trim(v.substr(semi + 1));
    if (std::size_t space = v.find_first_of(" \t"); space != std::string_view::npos) v = v.substr(0, space);
    while (!v.empty() && (v.back() == '.' || v.back() == ',')) v.remove_suffix(1);
    return std::string(v);
}

// RFC 6533 "utf-8" address type escapes non-ASCII as \x{HEX}; turn those back into UTF-8.
std::string decode_utf8_escapes(std::string_view s) {
    if (s.find("\\x{") == std::string_view::npos) return std::string(s);
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 3, "\\x{") == 0) {
            std::size_t close = s.find('}', i + 3);
            if (close != std::string_view::npos && close - i - 3 <= 6) {
                unsigned long cp = 0;
                bool ok = close > i + 3;
                for (std::size_t k = i + 3; k < close && ok; ++k) {
                    char c = text::lower(s[k]);
                    cp = cp * 16 + (text::is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (ok = false, 0));
                }
                if (ok && cp <= 0x10FFFF) {
                    if (cp < 0x80) {
                        out.push_back(static_cast<char>(cp));
                    } else if (cp < 0x800) {
                        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
                        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                    } else if (cp < 0x10000) {
                        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
                        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                    } else {
                        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
                        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
                        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
                        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
                    }
                    i = close;
                    continue;
                }
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

std::string recipient_from(std::string_view value) { return address::normalize(decode_utf8_escapes(value)); }

struct MessageContext {
    std::string reporting_mta;
};

bool is_recipient_field(std::string_view name) {
    return text::iequals(name, "Final-Recipient") || text::iequals(name, "Original-Recipient") ||
           text::iequals(name, "X-Actual-Recipient");
}

// Fills `finding` from one per-recipient field group.
void read_recipient_fields(const std::vector<Field>& fields, std::size_t begin, std::size_t end, Finding& finding) {
    std::string final_rcpt, original_rcpt, actual_rcpt;
    for (std::size_t i = begin; i < end; ++i) {
        const auto& f = fields[i];
        std::string_view name = f.name;
        if (text::iequals(name, "Final-Recipient")) {
            if (final_rcpt.empty()) final_rcpt = recipient_from(f.value);
        } else if (text::iequals(name, "Original-Recipient")) {
            if (original_rcpt.empty()) original_rcpt = recipient_from(f.value);
        } else if (text::iequals(name, "X-Actual-Recipient")) {
            if (actual_rcpt.empty()) actual_rcpt = recipient_from(f.value);
        } else if (text::iequals(name, "Action")) {
            std::string_view v = text::trim(f.value);
            v = v.substr(0, v.find_first_of(" \t("));
            finding.action = text::to_lower(v);
        } else if (text::iequals(name, "Status")) {
            finding.status = smtp::leading_status(f.value);
        } else if (text::iequals(name, "Remote-MTA")) {
            finding.remote_mta = strip_type(f.value);
        } else if (text::iequals(name, "Diagnostic-Code")) {
            std::string_view v = text::trim(f.value);
            if (std::size_t semi = v.find(';'); semi != std::string_view::npos && semi < 12)
                finding.diagnostic_type = text::to_lower(text::trim(v.substr(0, semi)));
            finding.diagnostic = smtp::clean_diagnostic(v);
        }
    }
    finding.recipient = !final_rcpt.empty() ? final_rcpt : !original_rcpt.empty() ? original_rcpt : actual_rcpt;
}

// Splits the fields of one group into recipient records: a second Final-Recipient in the same
// group (a missing blank line, seen in the wild) starts a new record.
std::vector<std::pair<std::size_t, std::size_t>> recipient_ranges(const std::vector<Field>& fields) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    std::size_t start = 0;
    bool seen_final = false;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (text::iequals(fields[i].name, "Final-Recipient")) {
            if (seen_final) {
                ranges.emplace_back(start, i);
                start = i;
                // An Original-Recipient written just before this Final-Recipient belongs to it.
                if (i > 0 && text::iequals(fields[i - 1].name, "Original-Recipient")) {
                    ranges.back().second = i - 1;
                    start = i - 1;
                }
            }
            seen_final = true;
        }
    }
    ranges.emplace_back(start, fields.size());
    return ranges;
}

}  // namespace

std::vector<Finding> decode_rfc3464(const Message& message) {
    std::vector<Finding> findings;
    for (const auto& part : message.delivery_status) {
        MessageContext context;
        for (const auto& group : parse_field_groups(part)) {
            const auto& fields = group.all();
            if (std::string_view mta = group.get("Reporting-MTA"); !mta.empty()) context.reporting_mta = strip_type(mta);
            bool has_recipient = false;
            for (const auto& f : fields)
                if (is_recipient_field(f.name)) has_recipient = true;
            if (!has_recipient) continue;
            for (auto [begin, end] : recipient_ranges(fields)) {
                Finding finding;
                read_recipient_fields(fields, begin, end, finding);
                if (finding.recipient.empty()) continue;
                finding.reporting_mta = context.reporting_mta;
                // The reply often carries a more precise code than a generic X.0.0 Status field.
                // The remote server's own code, quoted in the diagnostic, is more precise than the
                // reporting MTA's summary in Status (often a generic X.0.0 or sendmail's 4.4.7).
                std::string from_text = smtp::find_status(finding.diagnostic);
                if (!from_text.empty() && (finding.status.empty() || from_text[0] == finding.status[0]))
                    finding.status = from_text;
                finding.reply_code = smtp::find_reply_code(finding.diagnostic);
                findings.push_back(std::move(finding));
            }
        }
    }
    return findings;
}

}  // namespace dsn
