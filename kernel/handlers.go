package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/go-zeromq/zmq4"

	"github.com/gosparkling/gosparkling/cell"
)

// handler handles one request and reports whether it asked the kernel
// to shut down.
type handler func(ctx context.Context, sock zmq4.Socket, req *message) (shutdown bool)

// dispatch runs handle on req between the busy and idle statuses, and
// survives a panicking handler.
func (k *Kernel) dispatch(ctx context.Context, sock zmq4.Socket, req *message, handle handler) (shutdown bool) {
	k.publish(req, "status", statusContent("busy"))
	defer k.publish(req, "status", statusContent("idle"))
	defer k.recoverAndLog(req.header.MsgType)
	return handle(ctx, sock, req)
}

// handleShell handles the requests of the shell socket.
func (k *Kernel) handleShell(ctx context.Context, sock zmq4.Socket, req *message) bool {
	switch req.header.MsgType {
	case "execute_request":
		k.handleExecute(ctx, sock, req)
	case "kernel_info_request":
		k.reply(sock, req, "kernel_info_reply", k.kernelInfo())
	case "is_complete_request":
		k.handleIsComplete(sock, req)
	case "complete_request":
		k.handleComplete(sock, req)
	case "inspect_request":
		k.handleInspect(sock, req)
	case "history_request":
		k.handleHistory(sock, req)
	case "comm_info_request":
		k.reply(sock, req, "comm_info_reply", k.commInfo(req))
	case "comm_open":
		k.handleCommOpen(req)
	case "comm_msg":
		k.handleCommMsg(req)
	case "comm_close":
		k.handleCommClose(req)
	case "shutdown_request":
		return k.handleShutdown(sock, req)
	default:
		k.log.Info("kernel: ignoring unsupported message", "socket", "shell", "msg_type", req.header.MsgType)
	}
	return false
}

// handleControl handles the requests of the control socket.
func (k *Kernel) handleControl(_ context.Context, sock zmq4.Socket, req *message) bool {
	switch req.header.MsgType {
	case "interrupt_request":
		k.Interrupt()
		k.reply(sock, req, "interrupt_reply", statusReply{Status: statusOK})
	case "shutdown_request":
		return k.handleShutdown(sock, req)
	case "kernel_info_request":
		k.reply(sock, req, "kernel_info_reply", k.kernelInfo())
	default:
		k.log.Info("kernel: ignoring unsupported message", "socket", "control", "msg_type", req.header.MsgType)
	}
	return false
}

// kernelInfo is the content of kernel_info_reply.
func (k *Kernel) kernelInfo() kernelInfoReply {
	links := k.info.HelpLinks
	if links == nil {
		links = []HelpLink{}
	}
	return kernelInfoReply{
		Status:                statusOK,
		ProtocolVersion:       protocolVersion,
		Implementation:        k.info.Implementation,
		ImplementationVersion: k.info.ImplementationVersion,
		LanguageInfo: languageInfo{
			Name:           "go",
			Version:        strings.TrimPrefix(runtime.Version(), "go"),
			MIMEType:       "text/x-go",
			FileExtension:  ".go",
			PygmentsLexer:  "go",
			CodeMirrorMode: "go",
			// nbconvert's script exporter writes a .go file (file_extension).
			NbconvertExporter: "script",
		},
		Banner:    k.info.Banner,
		HelpLinks: links,
	}
}

func (k *Kernel) handleShutdown(sock zmq4.Socket, req *message) bool {
	var content struct {
		Restart bool `json:"restart"`
	}
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.log.Warn("kernel: shutdown_request content", "err", err)
	}
	// With restart, Jupyter starts a new kernel process once this one
	// has exited: either way the kernel only has to stop.
	k.interrupt(false)
	k.reply(sock, req, "shutdown_reply", shutdownReply{Status: statusOK, Restart: content.Restart})
	return true
}

func (k *Kernel) handleIsComplete(sock zmq4.Socket, req *message) {
	var content struct {
		Code string `json:"code"`
	}
	if err := json.Unmarshal(req.content, &content); err != nil {
		k.replyBadRequest(sock, req, "is_complete_reply", err)
		return
	}
	status, indent := "unknown", ""
	if c, ok := k.exec.(IsCompleter); ok {
		func() {
			defer func() {
				if r := recover(); r != nil {
					k.log.Error("kernel: IsComplete panicked", "panic", fmt.Sprint(r))
					status, indent = "unknown", ""
				}
			}()
			status, indent = c.IsComplete(content.Code)
		}()
	}
	reply := isCompleteReply{Status: status}
	if status == "incomplete" {
		reply.Indent = &indent
	}
	k.reply(sock, req, "is_complete_reply", reply)
}

// replyBadRequest answers a request whose content could not be decoded.
func (k *Kernel) replyBadRequest(sock zmq4.Socket, req *message, replyType string, err error) {
	evalue := fmt.Sprintf("%s content: %v", req.header.MsgType, err)
	k.log.Warn("kernel: bad request", "msg_type", req.header.MsgType, "err", err)
	k.reply(sock, req, replyType, errorReply{
		Status: statusError, Ename: "BadRequest", Evalue: evalue, Traceback: []string{evalue},
	})
}

// executeRequest is the content of execute_request.
type executeRequest struct {
	Code         string `json:"code"`
	Silent       bool   `json:"silent"`
	StoreHistory *bool  `json:"store_history"` // default true
	StopOnError  *bool  `json:"stop_on_error"` // default true
	AllowStdin   bool   `json:"allow_stdin"`
}

func (k *Kernel) handleExecute(ctx context.Context, sock zmq4.Socket, req *message) {
	var er executeRequest
	if err := json.Unmarshal(req.content, &er); err != nil {
		k.replyBadRequest(sock, req, "execute_reply", err)
		return
	}
	storeHistory := !er.Silent && (er.StoreHistory == nil || *er.StoreHistory)
	stopOnError := er.StopOnError == nil || *er.StopOnError
	if storeHistory {
		k.execCount++
		k.history = append(k.history, historyEntry{line: k.execCount, input: er.Code})
	}
	count := k.execCount

	if !er.Silent {
		k.publish(req, "execute_input", executeInput{Code: er.Code, ExecutionCount: count})
	}
	cellCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := newCellOutput(func(msgType string, content any) {
		k.publish(req, msgType, content)
	}, func(r any) {
		k.log.Error("kernel: recovered from panic", "in", "stream flush", "panic", fmt.Sprint(r))
	})
	out.comms, out.widgets = &k.comms, k.comms.widgetProtocol()
	if er.AllowStdin {
		out.input = func(prompt string, password bool) (string, error) {
			return k.readInput(cellCtx, req, prompt, password)
		}
	}
	running := &runningCell{cancel: cancel, out: out}
	k.startCell(running)
	defer k.endCell(running) // in case of a panic below; ending twice is harmless
	name := fmt.Sprintf("In [%d]", count)
	if !storeHistory {
		name = "a cell run without history"
	}
	bundle, err := k.runCell(cell.WithName(cellCtx, name), er.Code, out)
	k.endCell(running)
	cancel() // input requested from now on, by goroutines the cell left, fails
	out.flush()
	payload := out.takePayload()

	if err != nil {
		ename, evalue, traceback := describeError(err)
		k.publish(req, "error", errorContent{Ename: ename, Evalue: evalue, Traceback: traceback})
		// As ipykernel, with what the cell paged before it failed.
		reply := executeErrorReply{
			Status: statusError, ExecutionCount: count,
			Ename: ename, Evalue: evalue, Traceback: traceback, Payload: payload,
		}
		if stopOnError && !er.Silent { // as ipykernel: a silent request aborts nothing
			// Those queued before the reply; the frontend sends the
			// next ones knowing of the error.
			k.abortQueue = len(k.shellQ)
		}
		k.reply(sock, req, "execute_reply", reply)
		return
	}
	if len(bundle) > 0 && !er.Silent {
		k.publish(req, "execute_result", executeResult{
			ExecutionCount: count, Data: bundle, Metadata: map[string]any{},
		})
		if text, ok := bundle["text/plain"].(string); ok && storeHistory {
			k.history[len(k.history)-1].output = &text
		}
	}
	k.reply(sock, req, "execute_reply", executeReply{
		Status: statusOK, ExecutionCount: count,
		UserExpressions: map[string]any{}, Payload: payload,
	})
}

// runCell calls the Executor, turning a panic into a cell error.
func (k *Kernel) runCell(ctx context.Context, code string, out cell.Output) (bundle cell.MIMEBundle, err error) {
	defer func() {
		if r := recover(); r != nil {
			bundle = nil
			tb := []string{fmt.Sprintf("panic: %v", r), ""}
			tb = append(tb, strings.Split(strings.TrimRight(string(debug.Stack()), "\n"), "\n")...)
			err = &cell.Error{Name: "panic", Value: fmt.Sprint(r), Traceback: tb}
		}
	}()
	return k.exec.Execute(ctx, code, out)
}

// describeError gives the ename, evalue and traceback of a failed cell.
// The traceback is never empty, since frontends show only it.
func describeError(err error) (ename, evalue string, traceback []string) {
	var ce *cell.Error
	if errors.As(err, &ce) {
		ename, evalue, traceback = ce.Name, ce.Value, ce.Traceback
	} else {
		ename, evalue = "Error", err.Error()
	}
	if len(traceback) == 0 {
		traceback = []string{ename + ": " + evalue}
	}
	return ename, evalue, traceback
}

// abortQueued answers the execute_requests among the first n waiting on
// the shell queue with status "aborted", as ipykernel does after a failed
// cell with stop_on_error; other queued requests are handled normally.
// It reports whether one of them asked the kernel to shut down.
func (k *Kernel) abortQueued(ctx context.Context, n int) (shutdown bool) {
	for ; n > 0; n-- {
		select {
		case req := <-k.shellQ:
			if req.header.MsgType != "execute_request" {
				if k.dispatch(ctx, k.shell, req, k.handleShell) {
					return true
				}
				continue
			}
			k.dispatch(ctx, k.shell, req, k.handleAborted)
		default:
			return false
		}
	}
	return false
}

// handleAborted answers an execute_request that is not run because an
// earlier cell failed.
func (k *Kernel) handleAborted(_ context.Context, sock zmq4.Socket, req *message) bool {
	k.log.Info("kernel: aborting queued execute_request after an error")
	k.reply(sock, req, "execute_reply", statusReply{Status: statusAborted})
	return false
}
