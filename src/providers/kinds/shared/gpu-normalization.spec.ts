import { gpuFromProperties, gpuModels, gpuVendor, hasGpuDetails, listItems } from './gpu-normalization';

describe('gpuVendor', () => {
  it('lower-cases the vendor so it compares across providers', () => {
    expect(gpuVendor(' NVIDIA ')).toBe('nvidia');
    expect(gpuVendor('')).toBeNull();
  });
});

describe('gpuModels', () => {
  it('upper-cases and trims model names, dropping blank and non-string entries', () => {
    expect(gpuModels(['h100', ' a100 ', '', 3, null, 'L40S'])).toEqual(['H100', 'A100', 'L40S']);
  });
});

describe('listItems', () => {
  it('takes an array as it is and splits text on commas', () => {
    expect(listItems(['a', 'b'])).toEqual(['a', 'b']);
    expect(listItems('h100, a100 ,')).toEqual(['h100', ' a100 ', '']);
  });

  it('answers an empty list for anything else', () => {
    expect(listItems(undefined)).toEqual([]);
    expect(listItems(7)).toEqual([]);
  });
});

describe('gpuFromProperties', () => {
  it('reads vendor, driver (numbers as written) and a comma-separated model list', () => {
    expect(gpuFromProperties('NVIDIA', 550, 'h100, h200')).toEqual({
      vendor: 'nvidia',
      driver: '550',
      models: ['H100', 'H200'],
    });
  });

  it('answers an empty GPU when nothing is named', () => {
    expect(gpuFromProperties(undefined, null, [])).toEqual({ vendor: null, driver: null, models: [] });
  });
});

describe('hasGpuDetails', () => {
  it('is true when a vendor, a driver or any model is named', () => {
    expect(hasGpuDetails({ vendor: 'nvidia', driver: null, models: [] })).toBe(true);
    expect(hasGpuDetails({ vendor: null, driver: '550', models: [] })).toBe(true);
    expect(hasGpuDetails({ vendor: null, driver: null, models: ['H100'] })).toBe(true);
    expect(hasGpuDetails({ vendor: null, driver: null, models: [] })).toBe(false);
  });
});
