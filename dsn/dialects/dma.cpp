// DragonFly Mail Agent (dma): From "MAILER-DAEMON <>", subject "Mail delivery failed", text
// "This is the DragonFly Mail Agent <version> at <host>." and "There was an error delivering your
// mail to <address>." followed by dma's account of the failure ("<host> [<ip>] did not like our
// RCPT TO:" and the quoted reply, or "DNS lookup failure: host <name> not found"), then "Message
// headers follow." and the original's header. One recipient per notice.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kErrorIntro = "there was an error delivering your mail to";

struct DmaMessage {
    std::string_view phrase;
    std::string_view reason;
};
// dma's own explanations when there is no remote reply.
constexpr DmaMessage kDmaMessages[] = {
    {"dns lookup failure: host", "hostunknown"},
    {"unable to resolve", "hostunknown"},
    {"can not deliver to local user", "userunknown"},
    {"connection refused", "networkerror"},
    {"remote delivery deferred", "expired"},
};

// "<host> [<ip>] did not like our RCPT TO:" -> command "RCPT", host "<host>".
void read_stage(std::string_view line, Finding& f) {
    std::size_t at = text::ifind(line, " did not like our ");
    if (at == std::string_view::npos) return;
    std::string_view host = line.substr(0, at);
    host = host.substr(0, host.find(' '));
    if (host.find('.') != std::string_view::npos) f.remote_mta = text::to_lower(host);
    std::string_view cmd = text::trim(line.substr(at + 18));
    if (text::istarts_with(cmd, "final data") || text::istarts_with(cmd, "data")) f.smtp_command = "DATA";
    else if (text::istarts_with(cmd, "rcpt")) f.smtp_command = "RCPT";
    else if (text::istarts_with(cmd, "mail")) f.smtp_command = "MAIL";
    else if (text::istarts_with(cmd, "ehlo") || text::istarts_with(cmd, "helo")) f.smtp_command = "EHLO";
}

}  // namespace

bool dma_matches(const Message& message) {
    std::string_view head = text_head(message, 512);
    return text::icontains(head, "dragonfly mail agent") || text::icontains(head, kErrorIntro);
}

std::vector<Finding> dma_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::size_t intro = text::ifind(body, kErrorIntro);
    if (intro == std::string_view::npos) return {};
    std::string_view rest = body.substr(intro + kErrorIntro.size());
    std::size_t eol = rest.find('\n');
    Finding f;
    f.recipient = address::normalize(text::trim(rest.substr(0, eol)));
    if (f.recipient.empty()) return {};
    std::string reply;
    if (eol != std::string_view::npos) {
        for (auto line : text::split_lines(rest.substr(eol + 1))) {
            std::string_view content = text::trim(line);
            if (content.empty()) continue;
            if (text::icontains(content, " did not like our ")) {
                read_stage(content, f);
                continue;
            }
            if (!reply.empty()) reply.push_back(' ');
            reply.append(content);
        }
    }
    f.diagnostic = smtp::clean_diagnostic(reply);
    complete_from_diagnostic(f);
    if (f.reply_code.empty()) {
        for (const auto& m : kDmaMessages) {
            if (text::icontains(f.diagnostic, m.phrase)) {
                f.reason = std::string(m.reason);
                break;
            }
        }
    }
    return {std::move(f)};
}

}  // namespace dsn::dialects
