package kernel

import "github.com/gosparkling/gosparkling/cell"

// The contents of the messages the kernel sends, as the Jupyter messaging
// protocol 5.3 names their fields. Requests are decoded where they are
// handled.

// The statuses of replies.
const (
	statusOK      = "ok"
	statusError   = "error"
	statusAborted = "aborted"
)

// kernelInfoReply is the content of kernel_info_reply.
type kernelInfoReply struct {
	Status                string       `json:"status"`
	ProtocolVersion       string       `json:"protocol_version"`
	Implementation        string       `json:"implementation"`
	ImplementationVersion string       `json:"implementation_version"`
	LanguageInfo          languageInfo `json:"language_info"`
	Banner                string       `json:"banner"`
	HelpLinks             []HelpLink   `json:"help_links"`
}

// languageInfo describes the kernel's language in kernel_info_reply.
type languageInfo struct {
	Name              string `json:"name"`
	Version           string `json:"version"`
	MIMEType          string `json:"mimetype"`
	FileExtension     string `json:"file_extension"`
	PygmentsLexer     string `json:"pygments_lexer"`
	CodeMirrorMode    string `json:"codemirror_mode"`
	NbconvertExporter string `json:"nbconvert_exporter"`
}

// statusReply is a reply that says only its status (interrupt_reply, an
// aborted execute_reply).
type statusReply struct {
	Status string `json:"status"`
}

// errorReply is the reply to a request that failed: its status is
// "error".
type errorReply struct {
	Status    string   `json:"status"`
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// commInfoReply is the content of comm_info_reply.
type commInfoReply struct {
	Status string                    `json:"status"`
	Comms  map[string]map[string]any `json:"comms"`
}

// commClose is the content of comm_close.
type commClose struct {
	CommID string         `json:"comm_id"`
	Data   map[string]any `json:"data"`
}

// shutdownReply is the content of shutdown_reply.
type shutdownReply struct {
	Status  string `json:"status"`
	Restart bool   `json:"restart"`
}

// isCompleteReply is the content of is_complete_reply; Indent is sent
// only with status "incomplete".
type isCompleteReply struct {
	Status string  `json:"status"`
	Indent *string `json:"indent,omitempty"`
}

// executeInput is the content of execute_input.
type executeInput struct {
	Code           string `json:"code"`
	ExecutionCount int    `json:"execution_count"`
}

// errorContent is the content of IOPub's error message.
type errorContent struct {
	Ename     string   `json:"ename"`
	Evalue    string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// executeErrorReply is the execute_reply of a cell that failed, with the
// pages it asked for before it failed.
type executeErrorReply struct {
	Status         string        `json:"status"`
	ExecutionCount int           `json:"execution_count"`
	Ename          string        `json:"ename"`
	Evalue         string        `json:"evalue"`
	Traceback      []string      `json:"traceback"`
	Payload        []pagePayload `json:"payload,omitempty"`
}

// executeReply is the execute_reply of a cell that ran.
type executeReply struct {
	Status          string         `json:"status"`
	ExecutionCount  int            `json:"execution_count"`
	UserExpressions map[string]any `json:"user_expressions"`
	Payload         []pagePayload  `json:"payload"`
}

// executeResult is the content of execute_result.
type executeResult struct {
	ExecutionCount int             `json:"execution_count"`
	Data           cell.MIMEBundle `json:"data"`
	Metadata       map[string]any  `json:"metadata"`
}

// pagePayload is a "page" payload of execute_reply: text for the pager.
type pagePayload struct {
	Source string          `json:"source"` // always "page"
	Data   cell.MIMEBundle `json:"data"`
	Start  int             `json:"start"`
}

// displayData is the content of display_data and update_display_data.
type displayData struct {
	Data      cell.MIMEBundle `json:"data"`
	Metadata  map[string]any  `json:"metadata"`
	Transient *transient      `json:"transient,omitempty"`
}

// transient holds what a display message says that is not to be stored.
type transient struct {
	DisplayID string `json:"display_id"`
}

// stream is the content of a stream message (stdout or stderr text).
type stream struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// clearOutput is the content of clear_output.
type clearOutput struct {
	Wait bool `json:"wait"`
}

// kernelStatus is the content of status messages.
type kernelStatus struct {
	ExecutionState string `json:"execution_state"`
}

// completeReply is the content of complete_reply.
type completeReply struct {
	Status      string         `json:"status"`
	Matches     []string       `json:"matches"`
	CursorStart int            `json:"cursor_start"`
	CursorEnd   int            `json:"cursor_end"`
	Metadata    map[string]any `json:"metadata"`
}

// inspectReply is the content of inspect_reply.
type inspectReply struct {
	Status   string          `json:"status"`
	Found    bool            `json:"found"`
	Data     cell.MIMEBundle `json:"data"`
	Metadata map[string]any  `json:"metadata"`
}

// historyReply is the content of history_reply.
type historyReply struct {
	Status  string `json:"status"`
	History []any  `json:"history"`
}

// inputRequest is the content of input_request.
type inputRequest struct {
	Prompt   string `json:"prompt"`
	Password bool   `json:"password"`
}
