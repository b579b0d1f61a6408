// The message model: values derived once per message (From address, the human part of the text)
// and part content read in place or decoded, whichever the transfer encoding asks for.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/message.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

const std::string kReport =
    "From: Mail Delivery System <MAILER-DAEMON@Mx.Example.NET>\n"
    "To: bounces@lists.example.com\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=us-ascii\n"
    "Content-Transfer-Encoding: 7bit\n"
    "\n"
    "I'm sorry to have to inform you that your message could not\n"
    "be delivered to one or more recipients.\n"
    "\n"
    "------ This is a copy of the message, including all the headers. ------\n"
    "Subject: our newsletter\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    // "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\n"
    "UmVwb3J0aW5nLU1UQTogZG5zOyBteC5leGFtcGxlLm5ldAoKRmluYWwtUmVjaXBpZW50OiByZmM4MjI7IGFAZXhh\n"
    "bXBsZS5vcmcKQWN0aW9uOiBmYWlsZWQK\n"
    "--b1\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.net\n"
    "\n"
    "Final-Recipient: rfc822; b@example.org\n"
    "Action: failed\n"
    "--b1--\n";

}  // namespace

TEST_CASE("the From address and the human text are derived once and agree with the helpers", "[message]") {
    auto message = dsn::load_message(kReport);
    REQUIRE(message);
    CHECK(message->from_address() == "mailer-daemon@mx.example.net");
    CHECK(message->from_address() == dsn::address::normalize(message->from));
    CHECK(&message->from_address() == &message->from_address());

    const std::string_view human = message->human_text();
    CHECK(human == dsn::dialects::before_returned_message(message->text));
    CHECK(human.find("could not") != std::string_view::npos);
    CHECK(human.find("our newsletter") == std::string_view::npos);
    CHECK(message->human_text().data() == message->text.data());

    dsn::Message empty;
    CHECK(empty.from_address().empty());
    CHECK(empty.human_text().empty());
}

TEST_CASE("part content is the same whether read in place or decoded from base64", "[message]") {
    auto message = dsn::load_message(kReport);
    REQUIRE(message);
    REQUIRE(message->delivery_status.size() == 2);
    CHECK(message->delivery_status[0] ==
          "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; a@example.org\nAction: failed\n");
    // The line end before a boundary belongs to the boundary (RFC 2046), so the plain part ends
    // without one; the encoded part's own bytes keep theirs.
    CHECK(message->delivery_status[1] ==
          "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; b@example.org\nAction: failed");
}

namespace {

std::string report_returning(const std::string& part_headers, const std::string& returned) {
    return "From: MAILER-DAEMON@mx.example.net\n"
           "Subject: Undelivered Mail Returned to Sender\n"
           "MIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b2\"\n"
           "\n"
           "--b2\n"
           "Content-Type: text/plain\n"
           "\n"
           "Delivery failed.\n"
           "--b2\n" +
           part_headers + "\n" + returned +
           "--b2\n"
           "Content-Type: text/plain\n"
           "\n"
           "A part after the returned message still counts.\n"
           "--b2--\n";
}

const std::string kReturned =
    "Message-ID: <campaign-42@lists.example.com>\n"
    "Subject: our   newsletter,\n"
    "\tfolded  over two lines\n"
    "X-Listmonk-Subscriber: 8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\n"
    "\n"
    "--inner\n"
    "Content-Type: text/plain\n"
    "\n"
    "Body of the returned newsletter: not bounce text.\n"
    "--inner--\n";

void check_returned_headers(const dsn::Message& message) {
    CHECK(message.has_returned_message);
    CHECK(message.returned_headers.get("Message-ID") == "<campaign-42@lists.example.com>");
    CHECK(message.returned_headers.get("subject") == "our newsletter, folded over two lines");
    CHECK(message.returned_headers.get("X-Listmonk-Subscriber") == "8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11");
    CHECK(message.text.find("Delivery failed.") != std::string::npos);
    CHECK(message.text.find("still counts") != std::string::npos);
    CHECK(message.text.find("Body of the returned newsletter") == std::string::npos);
}

}  // namespace

TEST_CASE("a returned message is read for its header section only, whatever its encoding", "[message]") {
    SECTION("message/rfc822 in 7bit") {
        auto message = dsn::load_message(report_returning("Content-Type: message/rfc822\n", kReturned));
        REQUIRE(message);
        check_returned_headers(*message);
    }
    SECTION("message/global (RFC 6533)") {
        auto message = dsn::load_message(report_returning("Content-Type: message/global\n", kReturned));
        REQUIRE(message);
        check_returned_headers(*message);
    }
    SECTION("message/rfc822 in base64, which RFC 2046 forbids and some MTAs send anyway") {
        // base64 of kReturned, in 76-column lines.
        std::string encoded;
        static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        const std::string& in = kReturned;
        for (std::size_t i = 0; i < in.size(); i += 3) {
            unsigned n = static_cast<unsigned char>(in[i]) << 16;
            if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
            if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
            encoded += alphabet[(n >> 18) & 63];
            encoded += alphabet[(n >> 12) & 63];
            encoded += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
            encoded += i + 2 < in.size() ? alphabet[n & 63] : '=';
            if (encoded.size() % 77 == 76) encoded += '\n';
        }
        encoded += '\n';
        auto message = dsn::load_message(
            report_returning("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n", encoded));
        REQUIRE(message);
        check_returned_headers(*message);
    }
    SECTION("a returned message with no body and no blank line after its headers") {
        auto message = dsn::load_message(report_returning(
            "Content-Type: message/rfc822\n",
            "Message-ID: <campaign-42@lists.example.com>\nSubject: our newsletter, folded over two lines\n"
            "X-Listmonk-Subscriber: 8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11\n"));
        REQUIRE(message);
        check_returned_headers(*message);
    }
}
