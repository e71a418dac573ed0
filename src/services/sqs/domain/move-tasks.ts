// Message move task handles: base64 of {"taskId":"<uuid>","sourceArn":"<arn>"} (the format LocalStack's
// AWS-validated test_basic_move_task_workflow decodes from AWS's StartMessageMoveTask response).

export interface TaskHandle {
  taskId: string;
  sourceArn: string;
}

export function encodeTaskHandle(h: TaskHandle): string {
  return Buffer.from(JSON.stringify({ taskId: h.taskId, sourceArn: h.sourceArn })).toString("base64");
}

export function decodeTaskHandle(handle: string): TaskHandle | undefined {
  try {
    const doc = JSON.parse(Buffer.from(handle, "base64").toString("utf8")) as Record<string, unknown>;
    if (typeof doc.taskId !== "string" || typeof doc.sourceArn !== "string") return undefined;
    return { taskId: doc.taskId, sourceArn: doc.sourceArn };
  } catch {
    return undefined;
  }
}
