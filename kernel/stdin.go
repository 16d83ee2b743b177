package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-zeromq/zmq4"
)

// readInput asks the frontend that sent the execute_request req for a
// line: it sends input_request on the stdin socket and waits for the
// input_reply, or for ctx (the cell's context) to end.
//
// A client's stdin socket has the same identity as its shell socket, so
// the request is routed with req's identities and has req as parent.
// Replies are matched by their parent header when they have one;
// jupyter_client sends input_reply without a parent, so a reply without
// one is taken as the answer. Replies left over from an earlier request
// (whose cell was interrupted) are dropped.
func (k *Kernel) readInput(ctx context.Context, req *message, prompt string, password bool) (string, error) {
	k.inputMu.Lock()
	defer k.inputMu.Unlock()
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("kernel: input: the cell was interrupted or has ended: %w", err)
	}
	for drained := false; !drained; {
		select {
		case m := <-k.stdinQ:
			k.log.Info("kernel: dropping stale stdin message", "msg_type", m.header.MsgType)
		default:
			drained = true
		}
	}

	h := newHeader(k.session, "input_request")
	frames, err := k.signer.encodeHeader(req.identities, h, req.rawHeader,
		inputRequest{Prompt: prompt, Password: password})
	if err != nil {
		return "", fmt.Errorf("kernel: input: %w", err)
	}
	// Sending blocks while no client is connected to the stdin socket:
	// send on another goroutine so that an interrupt ends the wait.
	sent := make(chan error, 1)
	k.goSafe(nil, "stdin send", func() {
		sent <- k.stdin.Send(zmq4.NewMsgFrom(frames...))
	})
	for {
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("kernel: input: interrupted while waiting for the user: %w", ctx.Err())
		case err := <-sent:
			if err != nil {
				return "", fmt.Errorf("kernel: input: sending input_request: %w", err)
			}
			sent = nil // sent: now only the reply matters
		case m := <-k.stdinQ:
			if m.header.MsgType != "input_reply" {
				k.log.Info("kernel: ignoring message", "socket", "stdin", "msg_type", m.header.MsgType)
				continue
			}
			if parent := m.parentMsgID(); parent != "" && parent != h.MsgID {
				k.log.Info("kernel: dropping input_reply to an earlier input_request", "parent", parent)
				continue
			}
			return decodeInputReply(m)
		}
	}
}

// decodeInputReply returns the value of an input_reply.
func decodeInputReply(m *message) (string, error) {
	var content struct {
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(m.content, &content); err != nil {
		return "", fmt.Errorf("kernel: input: input_reply content: %w", err)
	}
	if content.Value == nil {
		return "", errors.New("kernel: input: input_reply content has no value")
	}
	return *content.Value, nil
}
