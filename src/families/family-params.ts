import { BadRequestError } from '../platform/errors/app.errors';
import { StorableParamPipe } from '../platform/request-parsing/storable-fields';

/** Path parameters of the families routes, checked before any query uses them. */
export const FAMILY_PARAM = new StorableParamPipe('family', 128);
export const VERSION_PARAM = new StorableParamPipe('version', 128);

/** What a channel may be called: a slug a URL, a shell and Terraform carry unquoted. */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** Not a channel one can move: resolve's default, the newest active version. */
export const LATEST_CHANNEL = 'latest';

export class ChannelNamePipe {
  transform(value: string): string {
    if (!CHANNEL_NAME_PATTERN.test(value)) {
      const message =
        'channel must be 1 to 63 characters of lowercase letters, digits, ".", "_" and "-", starting with a letter or digit';
      throw new BadRequestError(message, [{ field: 'channel', message }]);
    }
    return value;
  }
}
export const CHANNEL_PARAM = new ChannelNamePipe();
