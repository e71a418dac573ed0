// The SQS service definition: its model, protocols (AWS JSON 1.0 and query/XML, also at queue-URL paths),
// how input problems are named, and the operations table.
import { AwsError } from "../../protocol/errors.ts";
import { sqsModel } from "../../protocol/models/sqs.gen.ts";
import type { ServiceDefinition } from "../types.ts";
import { bindOperations, type Operation, pendingOperations } from "../operations.ts";
import type { SqsEnv } from "./env.ts";
import { accessDenied, invalidParameter, missingParameter, queueDoesNotExist } from "./errors.ts";
import * as permissions from "./operations/permissions.ts";
import * as moves from "./operations/move-tasks.ts";
import * as queues from "./operations/queues.ts";
import * as receipts from "./operations/receipts.ts";
import { receiveMessage } from "./operations/receive.ts";
import { sendMessage, sendMessageBatch } from "./operations/send.ts";
import * as tags from "./operations/tags.ts";

type Op = Operation<SqsEnv>;

const OPERATIONS: Record<string, Op> = {
  CreateQueue: queues.createQueue,
  GetQueueUrl: queues.getQueueUrl,
  ListQueues: queues.listQueues,
  DeleteQueue: queues.deleteQueue,
  GetQueueAttributes: queues.getQueueAttributes,
  SetQueueAttributes: queues.setQueueAttributes,
  PurgeQueue: queues.purgeQueue,
  ListDeadLetterSourceQueues: queues.listDeadLetterSourceQueues,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: receipts.deleteMessage,
  DeleteMessageBatch: receipts.deleteMessageBatch,
  ChangeMessageVisibility: receipts.changeMessageVisibility,
  ChangeMessageVisibilityBatch: receipts.changeMessageVisibilityBatch,
  TagQueue: tags.tagQueue,
  UntagQueue: tags.untagQueue,
  ListQueueTags: tags.listQueueTags,
  AddPermission: permissions.addPermission,
  RemovePermission: permissions.removePermission,
  StartMessageMoveTask: moves.startMessageMoveTask,
  ListMessageMoveTasks: moves.listMessageMoveTasks,
  CancelMessageMoveTask: moves.cancelMessageMoveTask,
};

/** Operations in the model that this version does not carry out yet (answered with a clear error). */
export const PENDING_OPERATIONS = pendingOperations(sqsModel, OPERATIONS);

export function createSqsService(env: SqsEnv): ServiceDefinition {
  const operations = bindOperations(sqsModel, OPERATIONS, env, (name) => new AwsError("UnsupportedOperation", `${name} is not supported by this Mailroom version yet.`, {
        queryCode: "AWS.SimpleQueueService.UnsupportedOperation",
      }));
  return {
    signingName: "sqs",
    model: sqsModel,
    codecs: ["json", "query"],
    jsonNamespace: "com.amazonaws.sqs",
    queryCompatible: true,
    inputErrors: {
      missing: (member) => {
        // A missing QueueUrl is answered as a queue that does not exist; a missing QueueName as an invalid value
        // (recorded AWS responses).
        if (member === "QueueUrl") return queueDoesNotExist();
        if (member === "QueueName") return invalidParameter("Value for parameter QueueName is invalid. Reason: Must specify a queue name.");
        return missingParameter(member.split(".").pop() ?? member);
      },
      invalid: (member, value) => invalidParameter(`Value ${String(value)} for parameter ${member} is invalid.`),
    },
    operations,
    // SQS answers an unsigned request with AccessDenied on the endpoint (recorded SQS responses).
    authError: (err, baseUrl) => (err.code === "MissingAuthenticationToken" ? accessDenied(`${baseUrl}/`) : err),
    // Query requests posted to a queue URL act on that queue (queue URL as endpoint, SQS query API docs).
    pathInput: (path, baseUrl, operation) => {
      if (!/^\/\d{12}\/[^/]+$/.test(path)) return undefined;
      // CreateQueue and ListQueues at a queue URL are InvalidAction (LocalStack test_get_create_queue_fails /
      // test_get_list_queues_fails, AWS-validated).
      if (operation === "CreateQueue" || operation === "ListQueues") {
        throw new AwsError("InvalidAction", `The action ${operation} is not valid for this endpoint.`);
      }
      return { QueueUrl: `${baseUrl}${path}` };
    },
  };
}
