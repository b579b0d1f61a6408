// Zoho Mail (mailer-daemon@mail.zoho.com, X-ZohoMail): Exim's opening sentence, then one line per
// recipient "a@b <words>, ERROR_CODE :550, ERROR_CODE :5.1.1 <reply>"; its delay warnings list
// "[Status: Error, Address: <a@b>, ResponseCode 421, , Host not reachable.]".
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// "ERROR_CODE :550, ERROR_CODE :5.1.1 <a@b>... User Unknown" -> "550 5.1.1 <a@b>... User Unknown".
std::string without_error_code_labels(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size();) {
        if (text::istarts_with(line.substr(i), "error_code :")) {
            i += 12;
            continue;
        }
        if (line[i] == ',' && i + 1 < line.size() && text::istarts_with(text::trim(line.substr(i + 1)), "error_code")) {
            ++i;
            continue;
        }
        out.push_back(line[i++]);
    }
    return text::squeeze_spaces(out);
}

}  // namespace

bool zoho_matches(const Message& message) {
    bool zoho = from_domain(message, "zoho.com") || from_domain(message, "zohomail.com") ||
                message.headers.has("X-ZohoMail") || text::icontains(message.header("X-Mailer"), "zoho mail");
    return zoho && from_system_account(message);
}

std::vector<Finding> zoho_decode(const Message& message) {
    std::string_view human = message.human_text();
    bool warning = text::icontains(human, "this is a warning message only");
    std::vector<Finding> findings;
    for (auto line : text::split_lines(human)) {
        std::string_view t = text::trim(line);
        if (text::istarts_with(t, "[status:")) {
            // Delay warning: the address and the reply code sit in bracketed fields.
            std::size_t at = text::ifind(t, "address:");
            if (at == std::string_view::npos) continue;
            Finding f;
            f.recipient = address::find_first(t.substr(at));
            std::size_t code = text::ifind(t, "responsecode ");
            std::string diagnostic = code == std::string_view::npos ? std::string(t) : std::string(t.substr(code + 13));
            while (!diagnostic.empty() && (diagnostic.back() == ']' || diagnostic.back() == ' ')) diagnostic.pop_back();
            f.diagnostic = without_error_code_labels(diagnostic);
            complete_from_diagnostic(f);
            if (warning) {
                f.action = "delayed";
                f.reason = "expired";
            }
            if (!f.recipient.empty()) findings.push_back(std::move(f));
            continue;
        }
        if (text::ifind(t, "error_code") == std::string_view::npos) continue;
        std::size_t space = t.find(' ');
        std::string addr = address::normalize(t.substr(0, space));
        if (addr.empty()) continue;
        std::string rest = without_error_code_labels(t.substr(space + 1));
        Finding f;
        f.recipient = std::move(addr);
        f.diagnostic = rest;
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
