// The services this server runs, in start order (a service may use the stores and APIs of those before it).
// Adding a service is one folder under src/services/ and one entry here (ADR 0012).
import { cloudwatchModule } from "./cloudwatch/index.ts";
import { eventsModule } from "./events/index.ts";
import { kinesisModule } from "./kinesis/index.ts";
import { schemasModule } from "./schemas/index.ts";
import type { ServiceModule } from "./module.ts";
import { schedulerModule } from "./scheduler/index.ts";
import { pipesModule } from "./pipes/index.ts";
import { snsModule } from "./sns/index.ts";
import { sqsModule } from "./sqs/index.ts";
import { stepfunctionsModule } from "./stepfunctions/index.ts";

export const SERVICES: ServiceModule[] = [sqsModule, snsModule, eventsModule, schemasModule, kinesisModule, stepfunctionsModule, cloudwatchModule, schedulerModule, pipesModule];
