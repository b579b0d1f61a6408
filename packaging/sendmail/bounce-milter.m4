dnl bounce-milter: Sendmail filter definition. Add to /etc/mail/sendmail.mc, rebuild sendmail.cf
dnl (make -C /etc/mail) and restart Sendmail.
dnl F=T tempfails mail while the filter is unavailable, so remote MTAs retry and nothing is lost.
dnl Matching /etc/bounce-milter/bounce-milter.toml:  [milter] socket = "unix:/run/bouncemilter/bouncemilter.sock"
dnl and let Sendmail reach it:  usermod -aG bouncemilter smmsp  (and the daemon's run-as user).
INPUT_MAIL_FILTER(`bouncemilter', `S=local:/run/bouncemilter/bouncemilter.sock, F=T, T=C:10s;S:30s;R:30s;E:5m')dnl
