/*
 * The load phones of `bench:media`: many RTP endpoints in one small native
 * process, so the load generator costs the machine far less than the engine
 * it measures (written in Node, the phones took ~0.8 of a core at 1,000
 * streams, half of what the 2-core machine has left beside the engine).
 *
 * All phones share one UDP socket (the engine answers each session where its
 * packets come from, so every session sends back to it) and are told apart
 * by the engine port a packet comes from. Every 20 ms, each phone on a call
 * sends one PCMU silence packet, or the RFC 4733 event packets of the digit
 * it is pressing (three slots: two updates, then the end packet three times).
 * Phones send at their own phase within the 20 ms, as phones whose calls
 * began at different moments do (phone I at I mod 20 ms), from a periodic
 * 1 ms monotonic timer; slots the process missed are skipped, not sent in a
 * burst. What the engine sends is counted per phone,
 * and per call its RFC 3550 interarrival jitter is kept.
 *
 * Commands, one per line on stdin; those that answer print one line:
 *   open N            N phones           -> "port P" (the shared socket's port)
 *   join I PORT       phone I is on a call with the engine session at PORT
 *   leave I           phone I stops sending (late packets still count)
 *   press I EVENT     phone I presses digit EVENT (0-15) from its next slot
 *   call I            -> "call RECEIVED JITTER_MS" of phone I's current call
 *   totals            -> "totals SENT RECEIVED" over all phones and calls
 *   cpu               -> "cpu MICROSECONDS" of user and system time
 *   quit
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_PHONES 8192
#define SAMPLES 160
#define RTP_HEADER 12
#define DIGIT_SLOTS 3
#define END_PACKET_COPIES 3
#define TELEPHONE_EVENT_PT 101
#define PHONE_SSRC 7
#define MAX_PACKETS_PER_SLOT (MAX_PHONES * END_PACKET_COPIES)
#define RECEIVE_BATCH 256
#define SLOT_MS 20

typedef struct {
  int remote_port; /* 0: not on a call */
  uint16_t sequence;
  int digit_event; /* -1: none */
  long digit_start_slot; /* -1: from the next slot */
  unsigned long sent, received;
  unsigned long call_received;
  int call_has_ssrc;
  uint32_t call_ssrc;
  int call_has_transit;
  double call_last_transit, call_jitter;
} phone_t;

static phone_t phones[MAX_PHONES];
static int phone_count;
/* The phone (index + 1) whose call is with the engine session at this port. */
static int phone_of_engine_port[65536];
static int rtp_socket = -1, rtcp_socket = -1;
/* Packets from an engine port no phone has joined yet (a bridge relays before both phones are told): counted all the same. */
static unsigned long received_before_join;

static unsigned char send_buffers[MAX_PACKETS_PER_SLOT][RTP_HEADER + SAMPLES];
static struct iovec send_iov[MAX_PACKETS_PER_SLOT];
static struct sockaddr_in send_to[MAX_PACKETS_PER_SLOT];
static struct mmsghdr send_messages[MAX_PACKETS_PER_SLOT];

static void fail(const char *what) {
  perror(what);
  exit(1);
}

static int bind_udp(int port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) fail("socket");
  int buffer = 16 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) < 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer) < 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* RTP on a port the system picks, RTCP (drained, unread) on the next. */
static int open_sockets(void) {
  for (;;) {
    rtp_socket = bind_udp(0);
    if (rtp_socket < 0) fail("bind");
    struct sockaddr_in address;
    socklen_t length = sizeof address;
    getsockname(rtp_socket, (struct sockaddr *)&address, &length);
    int port = ntohs(address.sin_port);
    if (port < 65535 && (rtcp_socket = bind_udp(port + 1)) >= 0) return port;
    close(rtp_socket);
  }
}

static void write_header(unsigned char *packet, int payload_type, int marker, uint16_t sequence, uint32_t timestamp) {
  packet[0] = 0x80;
  packet[1] = (unsigned char)(payload_type | (marker ? 0x80 : 0));
  packet[2] = sequence >> 8;
  packet[3] = sequence & 0xff;
  packet[4] = timestamp >> 24;
  packet[5] = (timestamp >> 16) & 0xff;
  packet[6] = (timestamp >> 8) & 0xff;
  packet[7] = timestamp & 0xff;
  packet[8] = packet[9] = packet[10] = 0;
  packet[11] = PHONE_SSRC;
}

static int queue_packet(int count, phone_t *phone, int payload_type, int marker, uint32_t timestamp, const unsigned char *payload, int payload_bytes) {
  unsigned char *packet = send_buffers[count];
  write_header(packet, payload_type, marker, ++phone->sequence, timestamp);
  memcpy(packet + RTP_HEADER, payload, payload_bytes);
  send_iov[count].iov_len = RTP_HEADER + payload_bytes;
  send_to[count].sin_port = htons(phone->remote_port);
  phone->sent += 1;
  return count + 1;
}

/* This slot's packets of one phone: its digit's, else audio. */
static int queue_slot(int count, phone_t *phone, long slot) {
  static unsigned char silence[SAMPLES];
  if (!silence[0]) memset(silence, 0xff, sizeof silence);
  uint32_t timestamp = (uint32_t)(slot * SAMPLES);
  if (phone->digit_event < 0) return queue_packet(count, phone, 0, 0, timestamp, silence, SAMPLES);
  if (phone->digit_start_slot < 0) phone->digit_start_slot = slot;
  long tick = slot - phone->digit_start_slot + 1;
  int end = tick >= DIGIT_SLOTS;
  uint16_t duration = (uint16_t)(tick * SAMPLES);
  unsigned char event[4] = {(unsigned char)phone->digit_event, (unsigned char)((end ? 0x80 : 0) | 10), duration >> 8, duration & 0xff};
  uint32_t event_timestamp = (uint32_t)(phone->digit_start_slot * SAMPLES);
  for (int copy = 0; copy < (end ? END_PACKET_COPIES : 1); copy++) count = queue_packet(count, phone, TELEPHONE_EVENT_PT, tick == 1 && copy == 0, event_timestamp, event, 4);
  if (end) phone->digit_event = -1;
  return count;
}

/* The packets due in milliseconds first_ms..last_ms of the timer: those of the phones whose phase falls there. */
static void send_due(long first_ms, long last_ms) {
  if (last_ms - first_ms >= SLOT_MS) first_ms = last_ms - SLOT_MS + 1;
  int count = 0;
  for (long ms = first_ms; ms <= last_ms; ms++)
    for (int index = (int)(ms % SLOT_MS); index < phone_count; index += SLOT_MS)
      if (phones[index].remote_port) count = queue_slot(count, &phones[index], ms / SLOT_MS);
  for (int done = 0; done < count;) {
    int sent = sendmmsg(rtp_socket, send_messages + done, count - done, 0);
    if (sent < 0) {
      if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) continue;
      fail("sendmmsg");
    }
    done += sent;
  }
}

static double now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
}

static void receive_packet(const unsigned char *packet, int length, int engine_port, double arrival_ms) {
  if (length < RTP_HEADER || (packet[0] >> 6) != 2) return;
  int owner = phone_of_engine_port[engine_port];
  if (!owner) {
    received_before_join += 1;
    return;
  }
  phone_t *phone = &phones[owner - 1];
  phone->received += 1;
  uint32_t timestamp = (uint32_t)packet[4] << 24 | (uint32_t)packet[5] << 16 | (uint32_t)packet[6] << 8 | packet[7];
  uint32_t ssrc = (uint32_t)packet[8] << 24 | (uint32_t)packet[9] << 16 | (uint32_t)packet[10] << 8 | packet[11];
  if (!phone->call_has_ssrc) {
    phone->call_has_ssrc = 1;
    phone->call_ssrc = ssrc;
  }
  /* Late packets of the previous call count as received but are not this call's timing. */
  if (ssrc != phone->call_ssrc) return;
  phone->call_received += 1;
  double transit = arrival_ms * 8.0 - timestamp;
  if (phone->call_has_transit) {
    double difference = transit > phone->call_last_transit ? transit - phone->call_last_transit : phone->call_last_transit - transit;
    if (difference > 2147483647.0) difference = 0;
    phone->call_jitter += (difference - phone->call_jitter) / 16;
  }
  phone->call_has_transit = 1;
  phone->call_last_transit = transit;
}

static void receive_all(void) {
  static unsigned char buffers[RECEIVE_BATCH][1500];
  static struct iovec iov[RECEIVE_BATCH];
  static struct sockaddr_in from[RECEIVE_BATCH];
  static struct mmsghdr messages[RECEIVE_BATCH];
  for (;;) {
    for (int index = 0; index < RECEIVE_BATCH; index++) {
      iov[index] = (struct iovec){buffers[index], sizeof buffers[index]};
      messages[index].msg_hdr = (struct msghdr){.msg_name = &from[index], .msg_namelen = sizeof from[index], .msg_iov = &iov[index], .msg_iovlen = 1};
    }
    int count = recvmmsg(rtp_socket, messages, RECEIVE_BATCH, MSG_DONTWAIT, NULL);
    if (count <= 0) return;
    double arrival_ms = now_ms();
    for (int index = 0; index < count; index++) receive_packet(buffers[index], messages[index].msg_len, ntohs(from[index].sin_port), arrival_ms);
  }
}

static void drain_rtcp(void) {
  unsigned char buffer[1500];
  while (recv(rtcp_socket, buffer, sizeof buffer, MSG_DONTWAIT) > 0) {}
}

static phone_t *phone_at(int index) {
  if (index < 0 || index >= phone_count) {
    fprintf(stderr, "no phone %d\n", index);
    exit(1);
  }
  return &phones[index];
}

static void command(const char *line) {
  int index, value;
  if (sscanf(line, "open %d", &value) == 1) {
    if (value < 1 || value > MAX_PHONES) {
      fprintf(stderr, "open: 1 to %d phones\n", MAX_PHONES);
      exit(1);
    }
    phone_count = value;
    for (int i = 0; i < phone_count; i++) phones[i].digit_event = -1;
    printf("port %d\n", open_sockets());
  } else if (sscanf(line, "join %d %d", &index, &value) == 2) {
    phone_t *phone = phone_at(index);
    *phone = (phone_t){.remote_port = value, .sequence = phone->sequence, .digit_event = -1, .sent = phone->sent, .received = phone->received};
    phone_of_engine_port[value & 0xffff] = index + 1;
  } else if (sscanf(line, "leave %d", &index) == 1) {
    phone_at(index)->remote_port = 0;
  } else if (sscanf(line, "press %d %d", &index, &value) == 2) {
    phone_t *phone = phone_at(index);
    phone->digit_event = value;
    phone->digit_start_slot = -1;
  } else if (sscanf(line, "call %d", &index) == 1) {
    phone_t *phone = phone_at(index);
    printf("call %lu %.4f\n", phone->call_received, phone->call_jitter / 8.0);
  } else if (strncmp(line, "totals", 6) == 0) {
    unsigned long sent = 0, received = received_before_join;
    for (int i = 0; i < phone_count; i++) {
      sent += phones[i].sent;
      received += phones[i].received;
    }
    printf("totals %lu %lu\n", sent, received);
  } else if (strncmp(line, "cpu", 3) == 0) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("cpu %ld\n", (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000L + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  } else if (strncmp(line, "quit", 4) == 0) {
    exit(0);
  } else {
    fprintf(stderr, "unknown command: %s\n", line);
    exit(1);
  }
  fflush(stdout);
}

/* Whole lines from stdin; the end of stdin (the bench gone) ends the phones. */
static void read_commands(void) {
  static char pending[1 << 16];
  static size_t used;
  ssize_t got = read(STDIN_FILENO, pending + used, sizeof pending - used - 1);
  if (got <= 0) {
    if (got < 0 && errno == EAGAIN) return;
    exit(0);
  }
  used += got;
  pending[used] = 0;
  char *line = pending;
  for (char *newline; (newline = strchr(line, '\n'));) {
    *newline = 0;
    command(line);
    line = newline + 1;
  }
  used = strlen(line);
  memmove(pending, line, used);
}

int main(void) {
  for (int index = 0; index < MAX_PACKETS_PER_SLOT; index++) {
    send_iov[index].iov_base = send_buffers[index];
    send_to[index] = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    send_messages[index].msg_hdr = (struct msghdr){.msg_name = &send_to[index], .msg_namelen = sizeof send_to[index], .msg_iov = &send_iov[index], .msg_iovlen = 1};
  }
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct itimerspec period = {.it_interval = {0, 1000000}, .it_value = {0, 1000000}};
  if (timer < 0 || timerfd_settime(timer, 0, &period, NULL) < 0) fail("timerfd");
  int poll = epoll_create1(0);
  struct epoll_event watch = {.events = EPOLLIN};
  watch.data.fd = STDIN_FILENO;
  epoll_ctl(poll, EPOLL_CTL_ADD, STDIN_FILENO, &watch);
  watch.data.fd = timer;
  epoll_ctl(poll, EPOLL_CTL_ADD, timer, &watch);
  int sockets_watched = 0;
  long elapsed_ms = 0;
  for (;;) {
    if (!sockets_watched && phone_count > 0) {
      watch.data.fd = rtp_socket;
      epoll_ctl(poll, EPOLL_CTL_ADD, rtp_socket, &watch);
      watch.data.fd = rtcp_socket;
      epoll_ctl(poll, EPOLL_CTL_ADD, rtcp_socket, &watch);
      sockets_watched = 1;
    }
    struct epoll_event ready[4];
    int count = epoll_wait(poll, ready, 4, -1);
    for (int index = 0; index < count; index++) {
      int fd = ready[index].data.fd;
      if (fd == timer) {
        uint64_t expirations;
        if (read(timer, &expirations, sizeof expirations) != sizeof expirations) continue;
        /* A phone whose slot was missed while the process waited sends once, on the current slot's timestamp. */
        send_due(elapsed_ms + 1, elapsed_ms + (long)expirations);
        elapsed_ms += (long)expirations;
      } else if (fd == rtp_socket) {
        receive_all();
      } else if (fd == rtcp_socket) {
        drain_rtcp();
      } else {
        read_commands();
      }
    }
  }
}
